#!/bin/sh
# Installs what is missing, builds bootassess, then applies every example in
# every boot mode, as a boot systemd-boot counts and as one it does not, each
# in a fresh scratch root that holds the unit the examples configure, and
# prints what was written per mode. Exits 1 if any run failed.
set -eu
cd "$(dirname "$0")/.."
./tests/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBOOTASSESS_WERROR=ON >/dev/null
cmake --build build -j2 --target bootassess

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
for example in examples/*.yaml; do
  for boot in active,counted active,uncounted passive,counted passive,uncounted recovery,uncounted \
    autoreset,uncounted live,uncounted; do
    mode=${boot%,*}
    counting=${boot#*,}
    root="$scratch/$(basename "$example" .yaml)-$mode-$counting"
    mkdir -p "$root/usr/lib/systemd/system" "$root/etc/systemd/system"
    printf '[Unit]\nDescription=My application\n\n[Service]\nExecStart=/usr/bin/myapp\n' \
      >"$root/usr/lib/systemd/system/myapp.service"
    printf '[Unit]\nDescription=Boot Completion Check\nRequires=sysinit.target\n' \
      >"$root/usr/lib/systemd/system/boot-complete.target"
    printf '[Unit]\nDescription=Multi-User System\n' >"$root/usr/lib/systemd/system/multi-user.target"
    echo "=== $example, $mode boot, $counting ==="
    status=0
    ./build/bootassess apply --root "$root" --mode "$mode" --counting "$counting" "$example" \
      >"$scratch/log" 2>&1 || status=$?
    sed 's/^/  /' "$scratch/log"
    [ "$status" = 0 ] || { echo "  exit status $status"; failed=1; }
    (cd "$root" && find . ! -path './usr/lib/systemd/system/*' \
      \( -type f -o -type l \) | sed 's|^\./||' | sort | while read -r f; do
        if [ -L "$f" ]; then
          echo "  /$f -> $(readlink "$f")"
        else
          echo "  /$f ($(stat -c '%a %u:%g' "$f")):"
          sed 's/^/  | /' "$f"
        fi
      done)
    echo
  done
done
exit "$failed"
