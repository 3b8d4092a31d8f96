#!/usr/bin/env bash
# What metric analysis costs (issue #21, acceptance 5): a real Prometheus (Debian's) scrapes a
# synthetic fleet of HOSTS hosts (one target whose /metrics holds every host's series, as many
# series as HOSTS scraped agents and services would give it), and this script measures:
#   - Prometheus's CPU and latency per instant query, for the per-host bake query (one host's
#     error ratio) and the fleet query of a wave (the error ratio of the hosts that run the new
#     version, joined with tether_service_info): QUERIES of each through /api/v1/query;
#   - the agent's CPU per analysis query: a `tether run --once` upgrade of a small service with
#     an analysis bake (30 s, 10 queries every second: 1 s is the shortest interval), against
#     the same upgrade without analysis (user+sys of the process; the difference divided by the
#     queries it made).
#   scripts/bench-analysis.sh [HOSTS [QUERIES]]    default 10000 300
#   TETHER=build/dev/tether scripts/bench-analysis.sh   this binary (no release build)
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
hosts=${1:-10000}
queries=${2:-300}
bake_seconds=30 per_check=10  # interval 1s, the shortest allowed
if [[ -z "${TETHER:-}" ]]; then
  cmake --preset release -S "$repo_root" >/dev/null
  cmake --build "$repo_root/build/release" -j "$(nproc)" --target tether >/dev/null
  TETHER="$repo_root/build/release/tether"
fi
command -v prometheus >/dev/null || { echo "bench-analysis: prometheus is not installed" >&2; exit 2; }

work="$(mktemp -d /tmp/tether-bench-analysis.XXXXXX)"
prom_pid="" fleet_pid=""
cleanup() {
  local pid
  # The service the agent started outlives it by design.
  pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$work/root/services/web/run/exec.pid" 2>/dev/null || true)
  [[ -z "$pid" ]] || kill -TERM "-$pid" 2>/dev/null || true
  for pid in "$prom_pid" "$fleet_pid"; do [[ -z "$pid" ]] || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
cd "$work"
port_prom=19197 port_fleet=19198 port_web=19199

# The synthetic fleet: per host, requests by code, its version of web, and tether's info.
mkdir -p fleet
python3 - "$hosts" >fleet/metrics <<'PY'
import sys
hosts = int(sys.argv[1])
out = ["# TYPE http_requests_total counter"]
for h in range(hosts):
    out.append(f'http_requests_total{{host="h{h}",code="200"}} {100000 + h}')
    out.append(f'http_requests_total{{host="h{h}",code="500"}} {h % 7}')
out.append("# TYPE tether_service_info gauge")
for h in range(hosts):
    version = "2.0.0" if h % 20 == 0 else "1.0.0"  # a first wave of 5 %
    out.append(f'tether_service_info{{host="h{h}",service="web",version="{version}",commit="c"}} 1')
print("\n".join(out))
PY
series=$(grep -vc '^#' fleet/metrics)
python3 -m http.server --bind 127.0.0.1 --directory fleet "$port_fleet" >/dev/null 2>&1 &
fleet_pid=$!

cat >prometheus.yml <<YAML
global: {scrape_interval: 5s}
scrape_configs:
  - job_name: fleet
    honor_labels: true
    static_configs: [{targets: ["127.0.0.1:$port_fleet"]}]
YAML
prometheus --config.file=prometheus.yml --storage.tsdb.path=tsdb \
  --web.listen-address="127.0.0.1:$port_prom" --log.level=warn >prometheus.log 2>&1 &
prom_pid=$!
api="http://127.0.0.1:$port_prom/api/v1/query"
# Two scrapes at least, so that rate() over the window has points.
count_query='count(http_requests_total)'
timeout 60 sh -c "until curl -fsS --data-urlencode 'query=count_over_time(http_requests_total{host=\"h0\",code=\"200\"}[1m])' '$api' 2>/dev/null | grep -q '\"[2-9]\"\\]'; do sleep 1; done" ||
  { echo "bench-analysis: Prometheus did not scrape the fleet twice: $(tail -3 prometheus.log)" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)

# measure NAME QUERY: Prometheus CPU (ms) and median/p95 latency (ms) per query.
measure() {
  local name=$1 query=$2 before after i
  before=$(cpu_ticks "$prom_pid")
  for i in $(seq "$queries"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' --data-urlencode "query=$query" "$api"
  done >"latency-$name"
  after=$(cpu_ticks "$prom_pid")
  sort -n "latency-$name" | awk -v name="$name" -v cpu="$(( (after - before) * 1000 / tick ))" -v n="$queries" '
    { v[NR] = $1 * 1000 }
    END { printf "%-10s Prometheus CPU %.2f ms/query, latency median %.1f ms, p95 %.1f ms (%d queries)\n",
          name, cpu / n, v[int(NR * 0.5)], v[int(NR * 0.95)], n }'
}

echo "fleet: $hosts hosts, $series series in Prometheus (one target), $(nproc) cores"
curl -fsS --data-urlencode "query=$count_query" "$api" >/dev/null
measure host 'sum(rate(http_requests_total{host="h20",code=~"5.."}[1m])) / sum(rate(http_requests_total{host="h20"}[1m]))'
measure fleet 'sum(rate(http_requests_total{code=~"5.."}[1m]) * on(host) group_left max by (host) (tether_service_info{service="web",version="2.0.0"})) / sum(rate(http_requests_total[1m]) * on(host) group_left max by (host) (tether_service_info{service="web",version="2.0.0"}))'

# The agent's side: a service whose release serves /healthz, upgraded with and without a bake.
mkdir -p state
make_release() {
  rm -rf "build-$1" && mkdir -p "build-$1/bin"
  printf '#!/bin/sh\nexec python3 -m http.server --bind 127.0.0.1 --directory "$(dirname "$0")/.." %s\n' "$port_web" \
    >"build-$1/bin/web"
  chmod 755 "build-$1/bin/web"
  echo ok >"build-$1/healthz"
  tar -czf "web-$1.tar.gz" -C "build-$1" .
}
write_manifest() {  # write_manifest VERSION WITH_ANALYSIS
  local analysis=""
  if [[ "$2" == yes ]]; then
    analysis="  analysis:
    bake: ${bake_seconds}s
    interval: 1s
    queries:"
    for i in $(seq "$per_check"); do
      analysis+="
      - {name: error-ratio-$i, condition: '< 0.5', query: 'sum(http_requests_total{host=\"h20\",code=~\"5..\"}) / sum(http_requests_total{host=\"h20\"})'}"
    done
  fi
  cat >state/services/web.yaml <<YAML
apiVersion: tether.dev/v1
kind: Service
metadata: {name: web}
spec:
  release:
    version: "$1"
    commit: "$(printf '%s' "$1" | sha1sum | cut -c1-40)"
    artifact: {url: "file://$PWD/web-$1.tar.gz", sha256: "$(sha256sum <"web-$1.tar.gz" | cut -d' ' -f1)"}
    binary: {path: bin/web, sha256: "$(sha256sum <"build-$1/bin/web" | cut -d' ' -f1)"}
  run: {exec: {command: ["bin/web"]}}
  health: {http: {url: "http://127.0.0.1:$port_web/healthz"}, interval: 100ms, deadline: 20s}
$analysis
YAML
  git -C state add -A && git -C state commit -q -m "web $1" && git -C state push -q origin main
}
cat >agent.yaml <<YAML
apiVersion: tether.dev/v1
kind: Agent
repo: {url: "$PWD/state.git", branch: main}
root: $PWD/root
host: {id: h20}
prometheus: {url: "http://127.0.0.1:$port_prom", timeout: 2s}
YAML
"$TETHER" init state --ci none >/dev/null
git clone -q --bare state state.git && git -C state remote add origin "$PWD/state.git"
for v in 1.0.0 2.0.0 3.0.0; do make_release "$v"; done
write_manifest 1.0.0 no
"$TETHER" run --once --config agent.yaml 2>/dev/null
# agent_cpu VERSION ANALYSIS: user+sys ms of the run --once that upgrades to VERSION.
agent_cpu() {
  write_manifest "$1" "$2"
  if ! /usr/bin/time -f '%U %S' -o "time-$1" "$TETHER" run --once --config agent.yaml 2>"run-$1.log"; then
    echo "bench-analysis: the upgrade to $1 failed:" >&2
    tail -5 "run-$1.log" >&2
    exit 1
  fi
  awk '{ printf "%d", ($1 + $2) * 1000 }' "time-$1"
}
plain=$(agent_cpu 2.0.0 no)
baked=$(agent_cpu 3.0.0 yes)
checks=$(( bake_seconds * per_check ))
echo "agent: upgrade without analysis ${plain} ms CPU; with a ${bake_seconds}s bake of $per_check queries every 1s" \
  "(about $checks queries) ${baked} ms CPU: $(( (baked - plain) * 1000 / checks )) us per query"
