#!/bin/sh
# `cpack -G DEB` in the build directory: the package holds the binary, the
# man page, the completions, the schema, the documentation (README.md and every
# doc/*.md) and the examples, with the right metadata and no dependency; its
# binary is stripped and runs.
# Usage: deb.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "skipped: no dpkg-deb"; exit 77; }
out=$build/packaging-test
rm -rf "$out"
mkdir -p "$out"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$out/cpack.log" 2>&1 ||
  { cat "$out/cpack.log" >&2; fail "cpack -G DEB"; }
set -- "$out"/*.deb
if [ $# != 1 ] || [ ! -f "$1" ]; then fail "cpack made no single .deb: $(ls "$out")"; fi
deb=$1
echo "== $(basename "$deb")"

dpkg-deb -c "$deb" | tee "$out/contents"
for path in ./usr/bin/bootassess ./usr/share/man/man1/bootassess.1.gz \
  ./usr/share/bash-completion/completions/bootassess ./usr/share/zsh/vendor-completions/_bootassess \
  ./usr/share/bootassess/schema/bootassess.schema.json ./usr/share/doc/bootassess/README.md \
  ./usr/share/doc/bootassess/copyright ./usr/share/doc/bootassess/LICENSE \
  ./usr/share/doc/bootassess/examples/boot-assessment.yaml \
  ./usr/lib/systemd/system/bootassess-report.service \
  ./usr/share/bootassess/node-problem-detector/bootassess.json; do
  grep -q " $path\$" "$out/contents" || fail "$path is not in the package"
done
# The README links to doc/*.md: each one ships beside it.
for doc in "$(dirname "$0")"/../../doc/*.md; do
  path=./usr/share/doc/bootassess/doc/$(basename "$doc")
  grep -q " $path\$" "$out/contents" || fail "$path is not in the package"
done
grep -q -- '-rwxr-xr-x root/root .* ./usr/bin/bootassess$' "$out/contents" ||
  fail "usr/bin/bootassess is not an executable owned by root"
if grep -q ' \./usr/local' "$out/contents"; then fail "the package installs under /usr/local"; fi

dpkg-deb -I "$deb" | tee "$out/info"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = bootassess ] || fail "Package: $(field Package)"
version=$(sed -n 's/^project(bootassess VERSION \([0-9.]*\).*/\1/p' "$(dirname "$0")/../../CMakeLists.txt")
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), project $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = admin ] || fail "Section: $(field Section)"
field Maintainer | grep -q '^.* <.*@.*>$' || fail "Maintainer: $(field Maintainer)"
field Description | grep -q 'cloud-config stage' || fail "Description: $(field Description)"
[ -z "$(field Depends)" ] || fail "a static binary depends on: $(field Depends)"

dpkg-deb -x "$deb" "$out/root"
file -b "$out/root/usr/bin/bootassess" | grep -q ', stripped' || fail "usr/bin/bootassess is not stripped"
"$out/root/usr/bin/bootassess" --version | grep -qF "$version" || fail "the packaged binary's --version"
gzip -dc "$out/root/usr/share/man/man1/bootassess.1.gz" | grep -q '^\.SH EXIT STATUS' ||
  fail "the man page has no EXIT STATUS section"
grep -q '^License: Apache-2.0$' "$out/root/usr/share/doc/bootassess/copyright" ||
  fail "the copyright file does not name Apache-2.0"
cmp -s "$out/root/usr/share/doc/bootassess/LICENSE" "$(dirname "$0")/../../LICENSE" ||
  fail "the packaged LICENSE differs from the repository's"
echo "metadata, contents and the packaged binary are as expected"
