#!/usr/bin/env bash
# Writes tests/ctest-costs.txt (the order scripts/test.sh starts tests in: longest first) from
# the costs CTest recorded in a build dir that ran the whole suite, e.g. after scripts/test.sh:
#   scripts/refresh-test-costs.sh [BUILD_DIR]   (default build/test-asan)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
costs="${1:-build/test-asan}/Testing/Temporary/CTestCostData.txt"
[[ -f "$costs" ]] || { echo "refresh-test-costs.sh: no $costs (run the suite there first)" >&2; exit 1; }
# Names and costs only: the run counts restart at 1, and the failed-test list after "---" is
# not carried over (CTest starts the tests named there first).
awk '$1 == "---" { exit } NF == 3 { print $1, 1, $3 }' "$costs" | sort -k3,3gr >tests/ctest-costs.txt
echo "---" >>tests/ctest-costs.txt
echo "tests/ctest-costs.txt: $(($(wc -l <tests/ctest-costs.txt) - 1)) tests"
