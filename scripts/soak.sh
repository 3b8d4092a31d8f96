#!/usr/bin/env bash
# Soak: the agent daemon runs N no-op polls (default 10,000) against a git daemon on loopback
# with one converged hello service, and reports its RSS after a warm-up and at the end.
# Acceptance (issue 7): growth < 1 MiB. Needs a build (default build/dev; BUILD_DIR=...).
#   scripts/soak.sh [POLLS]
# Prints: soak: N no-op polls in S s (P polls/s), RSS after warm-up A KiB, after N polls B KiB,
#         growth G KiB
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
polls="${1:-10000}"
warmup=200
build="${BUILD_DIR:-$repo_root/build/dev}"
tether="$build/tether"
hello="$build/examples/hello/hello"
[[ -x "$tether" && -x "$hello" ]] || { echo "build first: $tether, $hello" >&2; exit 2; }

work=$(mktemp -d /tmp/tether-soak-XXXXXX)
agent_pid="" daemon_pid=""
cleanup() {
  [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  stop_service "$work/root" || true
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=lib/state-repo.sh
source "$repo_root/scripts/lib/state-repo.sh"

http_port=$(free_port 18380 18381 18382 18383)
git_port=$(free_port 19480 19481 19482 19483)
api_port=$(free_port 19490 19491 19492 19493)
build_release 1.0.0 "$hello"
init_state_repo "$http_port"
write_manifest 1.0.0
commit_and_push "hello 1.0.0" >/dev/null
start_git_daemon "$git_port"
"$tether" run --once --repo "$repo_url" --root "$work/root" --host-id soak >/dev/null 2>&1

polls_done() {
  { curl -fsS "http://127.0.0.1:$api_port/metrics" 2>/dev/null || true; } |
    sed -n 's/^tether_git_polls_total \([0-9]*\).*/\1/p'
}
rss_kib() { sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$agent_pid/status"; }
wait_for_polls() {
  local want=$1 n
  while :; do
    n=$(polls_done)
    [[ -n "$n" && "$n" -ge "$want" ]] && return
    kill -0 "$agent_pid" 2>/dev/null || { echo "the agent died" >&2; exit 1; }
    sleep 0.5
  done
}

# 1 ms between polls: every poll asks the git daemon for the tip, finds it
# unchanged and probes the live service, as a daemon does every 30 s in production.
"$tether" run --interval 1ms --repo "$repo_url" --root "$work/root" --host-id soak \
  --api-listen "127.0.0.1:$api_port" --log-format json >"$work/agent.log" 2>&1 &
agent_pid=$!
wait_for_polls "$warmup"
before=$(rss_kib)
start=$(date +%s.%N)
wait_for_polls $((warmup + polls))
end=$(date +%s.%N)
after=$(rss_kib)
if grep -q '"level":"error"' "$work/agent.log"; then
  echo "the agent logged errors:" >&2
  grep '"level":"error"' "$work/agent.log" | head -5 >&2
  exit 1
fi
awk -v n="$polls" -v s="$start" -v e="$end" -v a="$before" -v b="$after" 'BEGIN {
  printf "soak: %d no-op polls in %.0f s (%.0f polls/s), RSS after warm-up %d KiB, after %d polls %d KiB, growth %d KiB\n",
    n, e - s, n / (e - s), a, n, b, b - a
  exit (b - a >= 1024) }'
