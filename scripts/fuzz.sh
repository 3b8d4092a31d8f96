#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: manifest parsing, YAML alias and nesting bounds,
# archive extraction, SSH signature parsing) with clang-14 + ASan/UBSan from only the sources they need, and runs each for a
# bounded time from the seed corpus in tests/fuzz/corpus/<target> (plus the manifest corpus
# in tests/manifests). New inputs go to build/fuzz/corpus/<target>, never into the repo;
# a crash leaves its input in build/fuzz/artifacts/ and makes the script fail.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]    default 600 (acceptance: >= 10 minutes each)
#   FUZZ_TARGETS="fuzz_archive" scripts/fuzz.sh 30    only some targets
# Prints one line per target: runs, exec/s, seconds, corpus size, peak RSS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-600}"
targets="${FUZZ_TARGETS:-fuzz_manifest fuzz_yaml fuzz_archive fuzz_signature}"
build=build/fuzz

compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null || scripts/install-deps.sh
# Quiet unless it fails: ninja prints a compile or link error on stdout, so the output is kept
# and shown then (a silent exit 1 here once failed CI with no word of why).
mkdir -p "$build"
if ! { [[ -f "$build/build.ninja" ]] ||
       CXX=clang++-14 cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug; } \
       >"$build/build.log" 2>&1 ||
   ! cmake --build "$build" -j "$(nproc)" >>"$build/build.log" 2>&1; then
  echo "fuzz.sh: building the fuzz targets failed ($build/build.log):" >&2
  grep -E -A6 "error|FAILED" "$build/build.log" | head -60 >&2
  exit 1
fi

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p "$build/artifacts"

# One target: fuzz it, then print its line (or its failure and the log's tail). Each target is
# single-threaded, so they run up to one per core at a time (CI's budget: 4 targets on 2 cores
# take the time of 2).
fuzz_target() {
  local target=$1 name corpus log runs rate rss files
  local -a seeds
  name="${target#fuzz_}"
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  seeds=(tests/fuzz/corpus/"$name")
  [[ "$name" == manifest ]] && seeds+=(tests/manifests/good tests/manifests/bad)
  [[ "$name" == yaml ]] && seeds+=(tests/fuzz/corpus/manifest tests/manifests/good)
  log="$build/$target.log"
  # -max_len bounds one input (a gzip bomb still expands, but only so far); -rss_limit_mb
  # makes unbounded memory growth a finding; -timeout makes a hang one. The outer timeout:
  # on an out-of-memory, libFuzzer (LLVM 14) prints ASan's heap profile before it writes the
  # input, and over millions of live chunks that never finished in CI (the log stopped at
  # "out-of-memory", no artifact): cut it off so that the script fails instead of hanging.
  if ! timeout --kill-after=10 "$((seconds + 120))" \
      "$build/$target" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len=65536 \
      -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$target-" >"$log" 2>&1; then
    echo "$target: FAILED, see $log and $build/artifacts/" >&2
    tail -40 "$log" >&2
    return 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  files=$(find "$corpus" -type f | wc -l)
  echo "$target: $runs runs, $rate exec/s, ${seconds}s, corpus $files files, peak RSS ${rss} MiB, 0 crashes"
}

failed=0
running=0
for target in $targets; do
  if ((running >= $(nproc))); then
    wait -n || failed=1
    running=$((running - 1))
  fi
  fuzz_target "$target" &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
exit "$failed"
