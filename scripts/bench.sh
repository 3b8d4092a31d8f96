#!/usr/bin/env bash
# Performance and footprint of tether, measured side by side with the field's shell approach
# and the physical limits (issue #8): no-op poll (1 GiB binary), push -> converged (1 s poll and
# signed webhook) with a load generator counting failed requests, SHA-256 throughput against
# sha256sum and openssl, idle and apply-peak RSS, binary size, and the Google Benchmark
# micro-benchmarks (planner and manifest parsing over 1,000 services, the symlink switch).
#
#   scripts/bench.sh            7 runs each (20 trials for reaction time), rewrites the
#                               generated section of BENCHMARKS.md
#   scripts/bench.sh --quick    3 runs (6 trials), prints the tables, BENCHMARKS.md unchanged
#   scripts/bench.sh --only noop,hash   a subset: noop, reaction, hash, footprint, micro, scale
#   scripts/bench.sh --baseline DIR     also builds the tree at DIR (e.g. a checkout of main)
#                               and puts its figures beside these in the scaling table (scale)
#   scripts/bench.sh --scale-sizes 1,10 the service counts of the scaling table (1,10,100,300)
#   scripts/bench.sh --history-commits N  commits behind the tip in its history row (10000; 0: none)
#   scripts/bench.sh --preset dev       builds and measures another CMake preset (release)
#
# Run it on a quiet machine: other load shows up in every figure (the load average before the
# run is recorded with the tables). Needs ~2.5 GiB of free space under TMPDIR.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

command="scripts/bench.sh${*:+ $*}"
quick=0
baseline=""
preset=release
pass=()
while (($# > 0)); do
  case "$1" in
    --quick) quick=1; pass+=(--quick); shift ;;
    --only) pass+=(--only "${2:?--only needs a list}"); shift 2 ;;
    --baseline) baseline="$(cd "${2:?--baseline needs a source dir}" && pwd -P)"; shift 2 ;;
    --preset) preset="${2:?--preset needs a name}"; shift 2 ;;
    --scale-sizes) pass+=(--scale-sizes "${2:?--scale-sizes needs a list}"); shift 2 ;;
    --history-commits) pass+=(--history-commits "${2:?--history-commits needs a count}"); shift 2 ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
((quick)) || pass+=(--write "$repo_root/BENCHMARKS.md" --json "$repo_root/build/bench-results.json")

"$repo_root/scripts/install-deps.sh" >/dev/null
cmake --preset "$preset" -S "$repo_root" >/dev/null
cmake --build "$repo_root/build/$preset" -j "$(nproc)" \
  --target tether hello tether_core_bench tether-sha256 >/dev/null
build="$repo_root/build/$preset"
if [[ -n "$baseline" ]]; then
  cmake --preset "$preset" -S "$baseline" >/dev/null
  cmake --build "$baseline/build/$preset" -j "$(nproc)" --target tether >/dev/null
  pass+=(--baseline-tether "$baseline/build/$preset/tether")
fi
exec /usr/bin/python3 "$repo_root/scripts/lib/bench.py" --repo-root "$repo_root" \
  --tether "$build/tether" --hello "$build/examples/hello/hello" \
  --sha256-tool "$build/bench/tether-sha256" --core-bench "$build/bench/tether_core_bench" \
  --preset "$preset" --command "$command" "${pass[@]}"
