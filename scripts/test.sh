#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds from scratch with
# warnings as errors, checks formatting, runs the whole CTest suite (unit, schema, e2e), and
# a short bounded libFuzzer pass over each fuzz target.
#   scripts/test.sh            the asan preset (what CI runs): the dev build (Debug, fault
#                              injection on) with the agent under AddressSanitizer,
#                              LeakSanitizer and UBSan; every tether the e2e tests start is
#                              sanitized too, and any report any process wrote fails the run
#   scripts/test.sh --dev      the dev preset, no sanitizers (a faster local loop)
#   scripts/test.sh --asan     the asan preset, said explicitly
# Further arguments go to ctest (e.g. -L unit, -R Planner).
# After the suite, scripts/fuzz.sh runs each libFuzzer target for FUZZ_SECONDS seconds
# (default 10: the seed corpus replayed under ASan/UBSan plus a short search; 0 skips it).
#
# One build and one suite run is what fits CI's budget (BENCHMARKS.md, "Build time and the CI
# budget"): the sanitized build is that one build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The tests in CTest's JUnit file $1 that did not run (skipped or disabled), one a line, each
# followed by why: the SKIP lines of its output (for a unit-test shard, its gtest cases that
# skipped or failed).
skipped_tests() {
  [[ -f "$1" ]] || return 0
  python3 - "$1" <<'EOF'
import re
import sys
import xml.etree.ElementTree as ET

for case in ET.parse(sys.argv[1]).iter("testcase"):
    if case.get("status") not in ("notrun", "disabled") and case.find("skipped") is None:
        continue
    print(f"  {case.get('name')}")
    lines = (case.findtext("system-out") or "").splitlines()
    why = []
    for i, line in enumerate(lines):
        # A shard that skipped is reported skipped even when a case in it failed: name both.
        if re.match(r"\[  (SKIPPED|FAILED) +\] \S+\.\S+", line) or line.startswith("SKIP"):
            why.append(re.sub(r" \(\d+ ms\)$", "", line))
        elif line.endswith(": Skipped") and i + 1 < len(lines):
            why.append(f"{line} {lines[i + 1]}")
    for line in dict.fromkeys(why):  # gtest's summary repeats the cases: once each
        print(f"    {line}")
EOF
}

preset=asan
case "${1:-}" in
  --asan) shift ;;
  --dev) preset=dev; shift ;;
esac
fuzz_seconds="${FUZZ_SECONDS:-10}"

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
# The sanitizer options of the asan test preset, set here: `ctest --preset` would run the
# tests of the preset's own build dir (build/asan) whenever that exists, not this fresh one.
# Reports go to files (not stderr) and are printed below: a daemon that the e2e tests stop
# and whose exit status nobody checks (a leak found at exit) must fail the run too.
reports="$PWD/$build_dir/sanitizer-reports"
mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:log_exe_name=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$reports/ubsan:log_exe_name=1:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
# Longest first: CTest orders by the costs in Testing/Temporary/CTestCostData.txt, which a fresh
# build dir lacks, so it would start tests in declaration order and a long one picked last
# would run alone at the end. tests/ctest-costs.txt is that file from a CI run (refresh it with
# scripts/refresh-test-costs.sh after adding long tests); a test it does not name starts last.
mkdir -p "$build_dir/Testing/Temporary"
cp tests/ctest-costs.txt "$build_dir/Testing/Temporary/CTestCostData.txt"
suite_rc=0
junit="$PWD/$build_dir/ctest-results.xml"
rm -f "$junit"
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$(nproc)" --timeout 300 \
  --output-junit "$junit" "$@" || suite_rc=$?
echo "test.sh: $preset suite took $((SECONDS - start)) s"
# CTest counts a skipped test (GTEST_SKIP, an exit status 77, a disabled test) as no failure,
# yet it tested nothing: a missing engine or tool is a CI failure to look at, not a pass.
skipped="$(skipped_tests "$junit")"
if [[ -n "$skipped" ]]; then
  echo "test.sh: tests were skipped (each must run here; install what they need):" >&2
  echo "$skipped" >&2
  ((suite_rc != 0)) || suite_rc=1
fi
if [[ -n "$(ls -A "$reports")" ]]; then
  echo "test.sh: sanitizer reports (from processes the tests started):" >&2
  for report in "$reports"/*; do
    echo "--- $report" >&2
    head -60 "$report" >&2
  done
  ((suite_rc != 0)) || suite_rc=1
fi
((suite_rc == 0)) || exit "$suite_rc"

if ((fuzz_seconds > 0)); then
  start=$SECONDS
  scripts/fuzz.sh "$fuzz_seconds"
  echo "test.sh: fuzz pass took $((SECONDS - start)) s"
fi
