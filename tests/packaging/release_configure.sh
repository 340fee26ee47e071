#!/bin/sh
# A packager's first command, `cmake -DCMAKE_BUILD_TYPE=Release`, must not
# turn warnings into errors, and installs under /usr unless told otherwise;
# BOOTASSESS_WERROR=ON (the project's own builds) does add -Werror, and an
# explicit prefix is kept. Configures only, into temporary directories.
# Usage: release_configure.sh SOURCE_DIR
set -eu
source_dir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

configure() {  # BUILD_DIR ARGS...
  dir=$1
  shift
  cmake -S "$source_dir" -B "$dir" -DBOOTASSESS_TESTS=OFF "$@" >"$dir.log" 2>&1 ||
    { cat "$dir.log" >&2; fail "configure $*"; }
  [ -s "$dir/compile_commands.json" ] || fail "no compile_commands.json in $dir"
}

configure "$tmp/plain" -DCMAKE_BUILD_TYPE=Release
grep -q -- '-O3' "$tmp/plain/compile_commands.json" || fail "a Release build without -O3"
grep -q -- '-Wall' "$tmp/plain/compile_commands.json" || fail "a Release build without warnings"
if grep -q -- '-Werror' "$tmp/plain/compile_commands.json"; then
  fail "a plain Release build has -Werror: $(grep -o -- '-Werror[^ ]*' "$tmp/plain/compile_commands.json" | sort -u)"
fi
grep -qx 'CMAKE_INSTALL_PREFIX:PATH=/usr' "$tmp/plain/CMakeCache.txt" ||
  fail "default prefix: $(grep '^CMAKE_INSTALL_PREFIX' "$tmp/plain/CMakeCache.txt")"
echo "plain Release: -O3, warnings on, no -Werror, prefix /usr"

configure "$tmp/werror" -DCMAKE_BUILD_TYPE=Release -DBOOTASSESS_WERROR=ON -DCMAKE_INSTALL_PREFIX=/opt/ba
grep -q -- '-Werror' "$tmp/werror/compile_commands.json" || fail "BOOTASSESS_WERROR=ON without -Werror"
grep -qx 'CMAKE_INSTALL_PREFIX:PATH=/opt/ba' "$tmp/werror/CMakeCache.txt" ||
  fail "explicit prefix not kept: $(grep '^CMAKE_INSTALL_PREFIX' "$tmp/werror/CMakeCache.txt")"
echo "BOOTASSESS_WERROR=ON: -Werror; an explicit prefix is kept"
