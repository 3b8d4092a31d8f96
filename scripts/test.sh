#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds from scratch with
# warnings as errors, checks formatting, runs the whole CTest suite (unit, schema, e2e), and
# optionally a short bounded libFuzzer pass over each fuzz target.
#   scripts/test.sh            the dev preset: Debug, fault injection on (what CI runs)
#   scripts/test.sh --asan     the asan preset: the same suite under AddressSanitizer,
#                              LeakSanitizer and UBSan at -O1, fault injection on
#   scripts/test.sh --dev      the dev preset, said explicitly
# Further arguments go to ctest (e.g. -L unit, -R Planner).
# FUZZ_SECONDS=N adds scripts/fuzz.sh N (N seconds per target) after the suite; default 0.
#
# One build and one suite run is what fits CI's budget (BENCHMARKS.md, "Build time and the CI
# budget"): CI is to move to --asan once a full sanitized run has been seen clean and timed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

preset=dev
case "${1:-}" in
  --asan) preset=asan; shift ;;
  --dev) shift ;;
esac
fuzz_seconds="${FUZZ_SECONDS:-0}"

scripts/install-deps.sh
scripts/check-format.sh

build_dir=build/test-$preset
rm -rf "$build_dir"
start=$SECONDS
# -g1 (line tables only): test failures and sanitizer reports still name file and line, and a
# translation unit compiles in about a quarter less CPU time than with full -g, its object in
# half the size (BENCHMARKS.md). Nobody steps through this throwaway build in a debugger.
cmake --preset "$preset" -B "$build_dir" -DTETHER_BUILD_TESTS=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1
cmake --build "$build_dir" -j "$(nproc)"
echo "test.sh: $preset build took $((SECONDS - start)) s"

start=$SECONDS
# The preset's environment (sanitizer options) applies; the build dir is this fresh one.
ctest --preset "$preset" --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 300 "$@"
echo "test.sh: $preset suite took $((SECONDS - start)) s"

if ((fuzz_seconds > 0)); then
  start=$SECONDS
  scripts/fuzz.sh "$fuzz_seconds"
  echo "test.sh: fuzz pass took $((SECONDS - start)) s"
fi
