#!/bin/sh
# The sanitizer part of the suite (run by tests/run.sh after the normal build
# and tests, or alone): a clang build of the library, the whole test suite
# and the fuzz targets with AddressSanitizer and UndefinedBehaviorSanitizer
# (any finding aborts), then
#   1. the whole suite (ctest) on that build, but for the two kill tests
#      (see below);
#   2. each fuzz target in tests/fuzz/: a replay of every input of its corpus
#      (seeds and reproducers, each run whole), then FUZZ_SECONDS (default 30)
#      of fuzzing from that corpus with its dictionary, bounded in memory,
#      input length and time per input. New inputs go to build-asan/fuzz-new/,
#      crashes to build-asan/fuzz-artifacts/; the tree is never written.
# Prints the executions per target. Run as root on Debian (after
# tests/setup-debian.sh): the condition target chroots to compare with dash.
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
build=build-asan

CXX=clang++ cmake -S . -B "$build" -DBOOTASSESS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Sanitize \
  -DBOOTASSESS_WERROR=ON -DBOOTASSESS_TESTS=ON >/dev/null
cmake --build "$build" -j2

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=strict_string_checks=1:detect_stack_use_after_return=1
# Left out here, both about what a kill leaves on disk, which the sanitizers
# do not change, and both run by the normal suite: CrashConsistencyTest
# preloads tests/kill_at.cc into bootassess, which ASan refuses (its runtime
# must come first); AtomicityTest kills at random moments until enough kills
# land mid-run, which takes minutes at ASan's speed. Most other tests wait on
# child processes (systemctl, dash, bootassess) more than they compute, so
# four run at a time.
ctest --test-dir "$build" --output-on-failure -j4 -E '^(CrashConsistencyTest|AtomicityTest)\.'

# Each target has max_len over its own input cap, so that the cap is fuzzed too.
for target in load_plan:65600 path_safety:4200 condition:600 unit_file:16500 loader_facts:8300; do
  name=${target%%:*}_fuzzer
  max_len=${target#*:}
  corpus=tests/fuzz/corpus/$name
  echo "== $name: replaying $(ls "$corpus" | wc -l) inputs"
  "$build/$name" -rss_limit_mb=2048 -timeout=20 "$corpus"/* 2>"$build/$name.replay.log" ||
    { tail -n 40 "$build/$name.replay.log" >&2; exit 1; }
  rm -rf "$build/fuzz-new/$name"
  mkdir -p "$build/fuzz-new/$name" "$build/fuzz-artifacts"
  echo "== $name: fuzzing for $seconds s"
  "$build/$name" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -timeout=20 -max_len="$max_len" -dict="tests/fuzz/$name.dict" -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$name-" "$build/fuzz-new/$name" "$corpus" \
    2>"$build/$name.fuzz.log" || { tail -n 60 "$build/$name.fuzz.log" >&2; exit 1; }
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$build/$name.fuzz.log" | tr '\n' ' '
  echo
done
