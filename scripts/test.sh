#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds from scratch with
# warnings as errors, checks formatting, and runs the whole CTest suite (unit, schema, e2e).
#   scripts/test.sh            the dev build (what CI runs)
#   scripts/test.sh --asan     the same suite under AddressSanitizer + UBSan (slower)
# Further arguments go to ctest (e.g. -L unit, -R Planner).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

preset=dev
if [[ "${1:-}" == "--asan" ]]; then
  preset=asan
  shift
fi

scripts/install-deps.sh
scripts/check-format.sh

build_dir=build/test-$preset
rm -rf "$build_dir"
cmake --preset "$preset" -B "$build_dir" -DTETHER_BUILD_TESTS=ON
cmake --build "$build_dir" -j "$(nproc)"
# The preset's environment (sanitizer options) applies; the build dir is this fresh one.
ctest --preset "$preset" --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 300 "$@"
