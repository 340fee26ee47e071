#!/bin/sh
# Installs what is missing, builds bootassess, then applies every example in
# every boot mode, each in a fresh scratch root that holds the unit the
# examples configure, and prints what was written per mode.
set -eu
cd "$(dirname "$0")/.."
./tests/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target bootassess

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for example in examples/*.yaml; do
  for mode in active passive recovery autoreset live; do
    root="$scratch/$(basename "$example" .yaml)-$mode"
    mkdir -p "$root/usr/lib/systemd/system" "$root/etc/systemd/system"
    printf '[Unit]\nDescription=My application\n\n[Service]\nExecStart=/usr/bin/myapp\n' \
      >"$root/usr/lib/systemd/system/myapp.service"
    printf '[Unit]\nDescription=Boot Completion Check\nRequires=sysinit.target\n' \
      >"$root/usr/lib/systemd/system/boot-complete.target"
    echo "=== $example, $mode boot ==="
    ./build/bootassess apply --root "$root" --mode "$mode" "$example" 2>&1 | sed 's/^/  /'
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
