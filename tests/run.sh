#!/bin/sh
# The whole test suite: installs what is missing, builds Release (what a
# packager builds) with warnings as errors, checks formatting, then runs every
# test (unit, differential against /bin/sh and systemctl, fixtures, examples
# in every boot mode, crash consistency, packaging: the static binary in an
# empty root, its size, the .deb, the completions), then the real-boot tier
# (tests/realboot: systemd as PID 1 under systemd-nspawn), then the UEFI tier
# (tests/uefi: OVMF, systemd-boot's own boot counting and real reboots under
# qemu; FULL=1 adds its fourth scenario), then the sanitizer build of all of it
# and the fuzz targets.
set -eu
cd "$(dirname "$0")/.."
./tests/setup-debian.sh
# Every #include under plugin/ against the layer order in plugin/LAYERS.
./tests/check-layers.py
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBOOTASSESS_WERROR=ON -DBOOTASSESS_TESTS=ON >/dev/null
cmake --build build -j2
unformatted=$(find plugin tests -name '*.cc' -o -name '*.h' | xargs clang-format --dry-run 2>&1 | grep -c warning || true)
if [ "$unformatted" != "0" ]; then
  echo "clang-format: $unformatted places differ from .clang-format" >&2
  find plugin tests -name '*.cc' -o -name '*.h' | xargs clang-format --dry-run 2>&1 | head -20 >&2
  exit 1
fi
# .clang-tidy's checks over the product code under plugin/ (a few minutes).
./tests/clang-tidy.sh build
ctest --test-dir build --output-on-failure -j2
./tests/realboot/realboot.sh build/bootassess build
./tests/uefi/uefi.sh build/bootassess
# The same suite built with ASan+UBSan, then every fuzz target: its corpus
# replayed and 30 s of fuzzing (tests/sanitize.sh).
./tests/sanitize.sh
