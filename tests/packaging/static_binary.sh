#!/bin/sh
# The shipped binary is fully static: it must start in any image, whatever
# its C library, and in a root that holds nothing else.
# Usage: static_binary.sh BINARY elf|empty-root|size
#   elf         no program interpreter, no NEEDED shared library
#   empty-root  chrooted into a directory holding only the binary: --version,
#               and an apply (configuration on standard input) that writes a
#               file, a unit and its enablement link (needs root; else skips)
#   size        a stripped copy is at most 4 MiB
set -eu
binary=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case $2 in
  elf)
    readelf -lW "$binary" >"$tmp/program-headers"
    if grep -q INTERP "$tmp/program-headers"; then
      fail "$binary has a program interpreter: $(grep -A1 INTERP "$tmp/program-headers")"
    fi
    readelf -dW "$binary" >"$tmp/dynamic"
    if grep -q NEEDED "$tmp/dynamic"; then
      fail "$binary needs shared libraries: $(grep NEEDED "$tmp/dynamic")"
    fi
    file -b "$binary" | tee "$tmp/file"
    grep -q 'statically linked\|static-pie linked' "$tmp/file" || fail "file(1) does not say static"
    echo "no INTERP, no NEEDED"
    ;;
  empty-root)
    if [ "$(id -u)" != 0 ]; then
      echo "skipped: chroot needs root"
      exit 77
    fi
    root=$tmp/root
    mkdir "$root"
    cp "$binary" "$root/bootassess"
    chroot "$root" /bootassess --version >"$tmp/version" 2>&1 ||
      { cat "$tmp/version" >&2; fail "--version in an empty root"; }
    grep -Eq '[0-9]+\.[0-9]+\.[0-9]+' "$tmp/version" || fail "no version: $(cat "$tmp/version")"
    echo "--version in an empty root: $(cat "$tmp/version")"
    cat >"$tmp/config.yaml" <<'YAML'
stages:
  initramfs:
    - name: A file and a unit in an empty root
      files:
        - path: /etc/hello.conf
          permissions: 0640
          content: "written in an empty root\n"
        - path: /etc/systemd/system/hello.service
          permissions: 0644
          content: |
            [Service]
            ExecStart=/bin/true
            [Install]
            WantedBy=multi-user.target
      systemctl:
        enable: [hello.service]
YAML
    chroot "$root" /bootassess apply --mode active --counting uncounted - <"$tmp/config.yaml" \
      >"$tmp/apply.log" 2>&1 || { cat "$tmp/apply.log" >&2; fail "apply in an empty root"; }
    [ "$(cat "$root/etc/hello.conf")" = "written in an empty root" ] || fail "etc/hello.conf"
    [ "$(stat -c %a "$root/etc/hello.conf")" = 640 ] || fail "etc/hello.conf mode"
    link=$root/etc/systemd/system/multi-user.target.wants/hello.service
    [ "$(readlink "$link")" = /etc/systemd/system/hello.service ] ||
      fail "enablement link: $(ls -l "$link" 2>&1)"
    echo "apply in an empty root wrote etc/hello.conf, the unit and its link"
    ;;
  size)
    budget=$((4 * 1024 * 1024))
    strip -o "$tmp/bootassess" "$binary"
    size=$(stat -c %s "$tmp/bootassess")
    echo "stripped: $size bytes (budget $budget)"
    [ "$size" -le "$budget" ] || fail "stripped binary over 4 MiB: $size bytes"
    ;;
  *) fail "unknown check $2" ;;
esac
