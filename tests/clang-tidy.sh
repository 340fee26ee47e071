#!/bin/sh
# clang-tidy-14 with the checked-in .clang-tidy over the product code under
# plugin/ (not the tests), two files at a time; any finding fails. Reads the
# compile commands of BUILD (default: build), which CMake always exports.
# Usage: tests/clang-tidy.sh [BUILD [FILE...]]  (FILEs: only those)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
[ $# -gt 0 ] && shift
if [ ! -f "$build/compile_commands.json" ]; then
  echo "clang-tidy: no $build/compile_commands.json (configure first)" >&2
  exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
if [ $# -gt 0 ]; then printf '%s\n' "$@"; else find plugin -name '*.cc' ! -name '*_test.cc' | sort; fi |
  xargs -P2 -n4 clang-tidy-14 -p "$build" --quiet >"$out" 2>&1 || status=$?
if [ "$status" != 0 ] || grep -q 'error:\|warning:' "$out"; then
  grep -E 'error:|warning:' "$out" | sort -u >&2 || cat "$out" >&2
  echo "clang-tidy: findings above (.clang-tidy says which checks and why)" >&2
  exit 1
fi
