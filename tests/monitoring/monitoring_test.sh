#!/usr/bin/env bash
# examples/monitoring/ holds up: the alert rules pass `promtool check rules` and their unit
# tests (`promtool test rules`), the scrape config passes `promtool check config`, every query
# of the Grafana dashboard parses as PromQL, and every tether_* metric the kit uses is one a
# real agent serves on GET /metrics.
# usage: monitoring_test.sh TETHER_BIN SOURCE_DIR
set -euo pipefail
tether=$1
kit="$2/examples/monitoring"
work="$(mktemp -d "${TMPDIR:-/tmp}/tether-monitoring.XXXXXX")"
agent_pid=""
cleanup() {
  [[ -z "$agent_pid" ]] || kill "$agent_pid" 2>/dev/null || true
  [[ -z "$agent_pid" ]] || wait "$agent_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== promtool check rules / test rules / check config"
promtool check rules "$kit/tether-alerts.yml"
(cd "$kit" && promtool test rules tests/alerts_test.yml)
promtool check config "$kit/prometheus.yml"

echo "== the dashboard's queries parse (as recording rules, with Grafana's variables filled in)"
python3 - "$kit/grafana-dashboard.json" "$work/dashboard-rules.yml" <<'PY'
import json, sys
dashboard = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
assert len(exprs) >= 8, exprs
with open(sys.argv[2], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace("$job", ".*")
        out.write(f"      - record: dashboard_query_{i}\n        expr: {json.dumps(e)}\n")
PY
promtool check rules "$work/dashboard-rules.yml"

echo "== every tether_* metric used is served by a real agent"
"$tether" init --ci none "$work/state" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A short interval: the families about a pass appear once the first pass is done.
"$tether" run --repo "$work/state" --root "$work/root" --interval 1s \
  --api-listen "127.0.0.1:$port" 2>"$work/agent.log" &
agent_pid=$!
for _ in $(seq 150); do
  curl -fsS "http://127.0.0.1:$port/metrics" >"$work/metrics.txt" 2>/dev/null &&
    grep -q "^tether_last_reconcile_timestamp_seconds " "$work/metrics.txt" && break
  sleep 0.1
done
grep -q "^tether_last_reconcile_timestamp_seconds " "$work/metrics.txt" ||
  { cat "$work/agent.log" >&2; fail "the agent's /metrics shows no pass"; }
promtool check metrics <"$work/metrics.txt"
served="$(awk '/^# TYPE/ { print $3; if ($4 == "histogram") { print $3 "_bucket"; print $3 "_sum"; print $3 "_count" } }' "$work/metrics.txt" | sort -u)"
used="$(grep -ohE 'tether_[a-z_]+' "$kit/tether-alerts.yml" "$kit/tests/alerts_test.yml" "$kit/grafana-dashboard.json" | sort -u)"
[[ -n "$used" ]] || fail "no tether_* metric found in the kit"
missing="$(comm -23 <(echo "$used") <(echo "$served"))"
[[ -z "$missing" ]] || fail "metrics used by examples/monitoring but not served: $missing"
echo "served: $(echo "$used" | tr '\n' ' ')"
echo "PASS"
