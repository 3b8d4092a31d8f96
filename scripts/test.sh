#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds from scratch with
# warnings as errors, checks formatting, and runs the whole CTest suite (unit, schema, e2e).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
scripts/check-format.sh

build_dir=build/test
rm -rf "$build_dir"
cmake --preset dev -B "$build_dir" -DTETHER_BUILD_TESTS=ON
cmake --build "$build_dir" -j "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 300 "$@"
