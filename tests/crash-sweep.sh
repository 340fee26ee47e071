#!/bin/sh
# The full crash-consistency sweep: `bootassess apply` killed at every one of
# its mutating system calls over the ~500-target configuration of
# tests/crash_consistency_test.cc (the suite runs a fixed selection of them).
# Builds like tests/run.sh; run as root on Debian.
set -eu
cd "$(dirname "$0")/.."
./tests/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBOOTASSESS_WERROR=ON -DBOOTASSESS_TESTS=ON >/dev/null
cmake --build build -j2 --target bootassess_tests
BOOTASSESS_CRASH_SWEEP=full build/bootassess_tests --gtest_filter='CrashConsistencyTest.*'
