#!/bin/sh
# Times enabling 1, 100 and 1,000 units, in one run on this machine, four ways:
#   bootassess (library)   the systemd module planning and applying, in process
#                          (bootassess_bench BM_PlanAndApplyEnable; planning
#                          alone is BM_PlanEnable)
#   bootassess apply       the command, end to end, one step enabling all units
#   systemctl, one call    systemctl --root=R enable U1 U2 ... UN
#   systemctl, per unit    systemctl --root=R enable Ui, once per unit (as yip does)
# and checks that all of them leave the same tree, and that `bootassess apply`
# spawned no process (with strace, when installed).
#
# Usage (as root): tests/bench/compare_systemctl.sh [BUILD_DIR]
# BUILD_DIR defaults to build-bench, configured with -DBOOTASSESS_BENCHMARKS=ON
# and built here when the binaries are missing.
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build-bench}
if [ ! -x "$build/bootassess" ] || [ ! -x "$build/bootassess_bench" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOOTASSESS_BENCHMARKS=ON >/dev/null
  cmake --build "$build" -j2 --target bootassess bootassess_bench >/dev/null
fi
bootassess=$(realpath "$build/bootassess")
bench=$(realpath "$build/bootassess_bench")
command -v systemctl >/dev/null || { echo "systemctl is not installed" >&2; exit 1; }

# TMPDIR=/dev/shm measures on tmpfs, as /run is at boot.
work=$(mktemp -d "${TMPDIR:-/tmp}/bootassess-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT
unset SYSTEMD_UNIT_PATH

now_ms() { date +%s%N | awk '{ printf "%.1f", $1 / 1000000 }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
tree() { (cd "$1" && find . -printf '%y %P -> %l %m\n' | LC_ALL=C sort); }

# A root shaped like an image: the units to enable (a boot check each) and
# 400 other units.
make_root() {
  root=$1 n=$2
  lib=$root/usr/lib/systemd/system
  mkdir -p "$root/etc/systemd/system" "$lib"
  printf '[Unit]\nDescription=Multi-User System\n' >"$lib/multi-user.target"
  printf '[Unit]\nDescription=Boot Completion Check\n' >"$lib/boot-complete.target"
  i=0
  while [ $i -lt 400 ]; do
    printf '[Unit]\nDescription=Other\n[Service]\nExecStart=/bin/true\n' >"$lib/other-$i.service"
    i=$((i + 1))
  done
  i=0
  while [ $i -lt "$n" ]; do
    printf '[Unit]\nDescription=Health check\nBefore=boot-complete.target\n[Service]\nType=oneshot\nExecStart=/usr/bin/true\n[Install]\nWantedBy=multi-user.target\nRequiredBy=boot-complete.target\n' \
      >"$lib/check-$i.service"
    i=$((i + 1))
  done
}

units() {
  i=0
  while [ $i -lt "$1" ]; do
    printf 'check-%s.service\n' $i
    i=$((i + 1))
  done
}

make_config() {
  {
    printf 'stages:\n  initramfs:\n    - name: enable the checks\n      systemctl:\n        enable:\n'
    units "$1" | sed 's/^/          - /'
  } >"$2"
}

# Best of $repeat runs of a command on fresh copies of the root. (On a
# journaling file system the time to create links varies a lot with what was
# deleted just before: compare the columns of one run, not separate runs.)
best_of() {
  repeat=$1 base=$2
  shift 2
  best=""
  r=0
  while [ $r -lt "$repeat" ]; do
    rm -rf "$work/run"
    cp -a "$base" "$work/run"
    sync  # every run starts with the same clean page cache state
    t0=$(now_ms)
    "$@" >/dev/null 2>&1 || true
    t1=$(now_ms)
    t=$(elapsed "$t0" "$t1")
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    r=$((r + 1))
  done
  echo "$best"
}

per_unit() {
  for u in $(units "$2"); do systemctl --root="$1" enable "$u"; done
}

echo "machine: $(uname -srm), $(nproc) CPUs; $(systemctl --version | head -1)"
echo
"$bench" --benchmark_filter='BM_Plan' --benchmark_min_time=1 2>/dev/null |
  awk '/^BM_/ { printf "  %-28s %10s %s\n", $1, $2, $3 }'
echo
printf '%-6s %16s %16s %18s %18s\n' units "bootassess apply" "systemctl 1 call" "systemctl per unit" "trees identical"
for n in 1 100 1000; do
  base=$work/base-$n
  make_root "$base" "$n"
  make_config "$n" "$work/enable-$n.yaml"
  list=$(units "$n" | tr '\n' ' ')

  apply_ms=$(best_of 5 "$base" "$bootassess" apply -q --root "$work/run" --mode active "$work/enable-$n.yaml")
  tree "$work/run" >"$work/tree-bootassess"
  # shellcheck disable=SC2086
  one_ms=$(best_of 3 "$base" systemctl --root="$work/run" enable $list)
  tree "$work/run" >"$work/tree-one"
  repeat=3
  [ "$n" -ge 1000 ] && repeat=1
  each_ms=$(best_of $repeat "$base" per_unit "$work/run" "$n")
  tree "$work/run" >"$work/tree-each"

  same=yes
  cmp -s "$work/tree-bootassess" "$work/tree-one" || same=NO
  cmp -s "$work/tree-bootassess" "$work/tree-each" || same=NO
  printf '%-6s %13s ms %13s ms %15s ms %18s\n' "$n" "$apply_ms" "$one_ms" "$each_ms" "$same"
done

if command -v strace >/dev/null; then
  rm -rf "$work/run"
  cp -a "$work/base-1000" "$work/run"
  strace -f -qq -e trace=process -o "$work/trace" \
    "$bootassess" apply -q --root "$work/run" --mode active "$work/enable-1000.yaml" >/dev/null 2>&1 || true
  spawned=$(grep -c -E 'clone|fork|execve' "$work/trace" || true)
  echo
  echo "bootassess apply, 1000 units: $((spawned - 1)) processes spawned (strace; the one execve is its own start)"
fi
