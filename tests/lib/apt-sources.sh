# shellcheck shell=bash
# Sourced by the boot tiers (tests/realboot, tests/uefi) that build a Debian
# root with mmdebstrap.

# The host's apt sources for SUITE and its -updates/-security suites, as
# one-line entries, from /etc/apt/sources.list and sources.list.d (both
# formats). The mirror is never hard-coded: CI and developers use their own.
host_sources() { # SUITE
  local suite=$1
  {
    cat /etc/apt/sources.list 2>/dev/null || true
    for f in /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && cat "$f"; done
  } | awk -v suite="$suite" '
      /^[[:space:]]*deb[[:space:]]/ {
        sub(/\[[^]]*\][[:space:]]*/, "")
        s = $3; sub(/-(updates|security)$/, "", s)
        if (s == suite) print "deb " $2 " " $3 " main"
      }'
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no")
          for (u = 1; u <= nu; u++)
            for (s = 1; s <= ns; s++) {
              b = suites[s]; sub(/-(updates|security)$/, "", b)
              if (b == suite) print "deb " uris[u] " " suites[s] " main"
            }
        types = ""; enabled = ""; nu = 0; ns = 0
      }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      {
        key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ /, "")
        if (key == "types") types = $0
        else if (key == "enabled") enabled = tolower($0)
        else if (key == "uris") nu = split($0, uris, " ")
        else if (key == "suites") ns = split($0, suites, " ")
      }
      END { flush() }' "$f"
  done
}
