#!/usr/bin/env bash
# Crash torture (issue 7, acceptance 1): SIGKILLs the agent at every named fault point and at
# KILLS random moments of upgrades, rollbacks and auto-rollbacks, restarting it after each, and
# checks that `current` always names a complete, verified release, the journal only grows and
# parses, and the restarted agent converges. Needs a build with fault injection (the dev or
# asan preset; BUILD_DIR=... to pick one, default build/dev).
#   scripts/torture.sh [KILLS] [SEED]     defaults: 200 random kills, seed 1
# Prints the summary line: "torture: N kills (P named points, K random), ..., B broken hosts".
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo_root/build/dev}"
tests="$build/tests/tether_e2e_tests"
if [[ ! -x "$tests" ]]; then
  cmake --preset dev -B "$build" -DTETHER_BUILD_TESTS=ON >/dev/null
  cmake --build "$build" -j "$(nproc)" --target tether_e2e_tests >/dev/null
fi
log=$(mktemp /tmp/tether-torture-XXXXXX.log)
status=0
TETHER_TORTURE_KILLS="${1:-200}" TETHER_TORTURE_SEED="${2:-1}" \
  "$tests" --gtest_filter='TortureTest.*' >"$log" 2>&1 || status=$?
grep -E '^torture:' "$log" || { tail -50 "$log"; echo "no summary line; full log: $log" >&2; }
if [[ $status -ne 0 ]]; then
  grep -E 'Failure|killed|broken' "$log" | head -40 >&2
  echo "torture FAILED; full log: $log" >&2
  exit "$status"
fi
rm -f "$log"
