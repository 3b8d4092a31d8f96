#!/usr/bin/env bash
# What clients see of switches, per strategy: wrk keeps requesting GET / from hello (one
# connection per request, as a client behind no pooling proxy would) while the agent takes it
# through ROUNDS upgrades, ROUNDS `git revert`s of them and ROUNDS broken releases (their
# /healthz answers 500 and they never say READY=1; each reverted after its auto-rollback), with
# each strategy in turn: restart,
# blue-green behind HAProxy, socket-handoff. Prints per strategy the requests answered, the
# failed ones (connect errors, resets, timeouts, non-2xx) and those a broken release answered.
#
#   scripts/bench-switch.sh [ROUNDS]          default 5
#   TETHER=... HELLO=... scripts/bench-switch.sh 2   use these binaries (no release build)
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
rounds=${1:-5}
scripts_dir="$repo_root/scripts"
if [[ -z "${TETHER:-}" || -z "${HELLO:-}" ]]; then
  cmake --preset release -S "$repo_root" >/dev/null
  cmake --build "$repo_root/build/release" -j "$(nproc)" --target tether hello >/dev/null
  TETHER="$repo_root/build/release/tether"
  HELLO="$repo_root/build/release/examples/hello/hello"
fi
command -v wrk >/dev/null || { echo "bench-switch: wrk is not installed" >&2; exit 2; }
command -v haproxy >/dev/null || { echo "bench-switch: haproxy is not installed" >&2; exit 2; }

base="$(mktemp -d /tmp/tether-bench-switch.XXXXXX)"
daemon_pid="" haproxy_pid="" wrk_pid="" work="" root=""
# shellcheck source=scripts/lib/state-repo.sh
source "$scripts_dir/lib/state-repo.sh"
cleanup() {
  [[ -n "$wrk_pid" ]] && kill "$wrk_pid" 2>/dev/null
  [[ -n "$root" ]] && stop_service "$root"
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null
  [[ -n "$haproxy_pid" ]] && kill "$haproxy_pid" 2>/dev/null
  rm -rf "$base"
}
trap cleanup EXIT

# Counts answers whose body names a broken release; prints the totals when wrk stops.
cat >"$base/count.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) broken = 0 end
function response(status, headers, body)
  if body ~= nil and string.find(body, "broken", 1, true) then broken = broken + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("broken") end
  local e = summary.errors
  io.write(string.format("requests=%d failed=%d broken=%d\n", summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status, b))
end
LUA

port=$(free_port 18680 18681 18682 18683)
blue=$(free_port 18684 18685 18686)
green=$(free_port 18687 18688 18689)
fast=(-e "s|interval: 1s|interval: 100ms|" -e "s|deadline: 30s|deadline: 3s|" -e "s|successes: 2|successes: 1|")

# manifest STRATEGY VERSION: services/hello.yaml switched by STRATEGY.
manifest() {
  local strategy=$1 v=$2 file="$work/work/services/hello.yaml"
  case "$strategy" in
    restart) write_manifest "$v" "${fast[@]}" ;;
    blue-green)
      write_manifest "$v" "${fast[@]}"
      printf '  switch:\n    strategy: blue-green\n    drainTimeout: 5s\n    blueGreen:\n      ports: [%s, %s]\n      portEnv: HELLO_PORT\n      haproxy: {socket: %s, backend: app, server: live}\n' \
        "$blue" "$green" "$work/admin.sock" >>"$file" ;;
    socket-handoff)
      write_manifest "$v" "${fast[@]}" -e 's|    http: {url: .*|    notify: {}|' \
        -e 's|      stopTimeout: 5s|      stopTimeout: 5s\n      env: {HELLO_NOTIFY: "1"}|'
      printf '  switch:\n    strategy: socket-handoff\n    drainTimeout: 5s\n    socketHandoff:\n      sockets: [{name: http, port: %s}]\n' \
        "$port" >>"$file" ;;
  esac
}

start_haproxy() {
  cat >"$work/haproxy.cfg" <<CFG
global
    stats socket $work/admin.sock mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    retries 3
    retry-on conn-failure empty-response
frontend web
    bind 127.0.0.1:$port
    default_backend app
backend app
    option http-server-close
    server live 127.0.0.1:$blue
CFG
  haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  for _ in $(seq 50); do [[ -S "$work/admin.sock" ]] && return; sleep 0.1; done
  echo "haproxy did not start" >&2
  return 1
}

agent() { "$TETHER" run --once --repo "$repo_url" --root "$root" --host-id bench 2>>"$work/agent.log"; }

# bench STRATEGY: prints one result line.
bench() {
  local strategy=$1 i
  work="$base/$strategy" root="$base/$strategy/root"
  mkdir -p "$work"
  init_state_repo "$port"
  [[ "$strategy" == blue-green ]] && start_haproxy
  start_git_daemon "$(free_port 19618 19619 19620 19621)"
  for v in 1.0.0 $(seq -f '1.%g.0' 1 "$rounds"); do build_release "$v" "$HELLO"; done
  for i in $(seq "$rounds"); do build_release "9.0.$i-broken" "$HELLO" --broken-health; done
  manifest "$strategy" 1.0.0
  commit_and_push "hello 1.0.0" >/dev/null
  agent
  wrk -t1 -c4 -d1h -H "Connection: close" -s "$base/count.lua" "http://127.0.0.1:$port/" \
    >"$work/wrk.out" 2>&1 &
  wrk_pid=$!
  sleep 1
  for i in $(seq "$rounds"); do
    manifest "$strategy" "1.$i.0"
    commit_and_push "hello 1.$i.0" >/dev/null
    agent
    git -C "$work/work" revert --no-edit HEAD >/dev/null && git -C "$work/work" push -q origin HEAD:main
    agent
    manifest "$strategy" "9.0.$i-broken"
    commit_and_push "hello 9.0.$i-broken" >/dev/null
    agent || true  # fails its gate: rolled back
    git -C "$work/work" revert --no-edit HEAD >/dev/null && git -C "$work/work" push -q origin HEAD:main
    agent
  done
  sleep 1
  kill -INT "$wrk_pid"
  wait "$wrk_pid" || true
  wrk_pid=""
  printf '%-15s %s\n' "$strategy" "$(grep -o 'requests=.*' "$work/wrk.out" || echo "wrk: $(tail -3 "$work/wrk.out")")"
  stop_service "$root"
  kill "$daemon_pid"; daemon_pid=""
  if [[ -n "$haproxy_pid" ]]; then kill "$haproxy_pid"; haproxy_pid=""; fi
  root=""
}

echo "$rounds upgrades, $rounds reverts, $rounds broken releases per strategy; wrk -c4, new connection per request"
for strategy in restart blue-green socket-handoff; do bench "$strategy"; done
