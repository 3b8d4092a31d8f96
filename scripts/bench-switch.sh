#!/usr/bin/env bash
# What clients see of switches, per strategy (issue #20, acceptance 1). Two wrk clients keep
# requesting GET / while the agent takes the service through UPGRADES upgrades, each followed
# by its `git revert`, and BROKEN broken releases (their health check fails; each is rolled
# back by the agent, then reverted in the state repo), with each strategy in turn:
#   restart               the exec service stopped, then the new one started
#   blue-green-haproxy    the exec service beside the old one, HAProxy moved by its runtime API
#   blue-green-nginx      the same behind nginx (upstream include file + graceful reload)
#   socket-handoff        the agent holds the listening socket and passes it (LISTEN_FDS)
#   container-restart     a podman container (busybox httpd) stopped, then the new one started
#   container-blue-green  the new container beside the old one on the other port, behind HAProxy
# One client opens a new connection per request (`Connection: close`, as a client behind no
# pooling proxy), the other keeps its connections alive. Both are wrk, which does not retry a
# request on a kept-alive connection the server closed under it; a third client, `hey` (Go's
# net/http, keep-alive, which retries such a request as RFC 9112 section 9.3.1 advises and as
# browsers do), runs beside them when installed (HEY=0 leaves it out). hey cannot look at a body,
# so it asks GET /healthz: a healthy release answers 2xx, a broken one 500 (hello) or 404 (the
# busybox image, which has no /healthz), a proxy's own errors are 502-504. Prints per strategy
# and client: the requests answered, the rate, the failed ones (connect errors, resets,
# timeouts, non-2xx) and those a broken release answered.
#
#   scripts/bench-switch.sh [UPGRADES [BROKEN]]   default 20 10 (the issue's run: 20 upgrades,
#                                                 20 reverts, 10 broken releases)
#   STRATEGIES="restart socket-handoff" scripts/bench-switch.sh 2 1    a subset
#   TETHER=... HELLO=... scripts/bench-switch.sh   these binaries (no release build)
#   KEEP=1 scripts/bench-switch.sh                 keeps the work dir (agent logs, journals)
#   HEY=0 scripts/bench-switch.sh                  without the hey client (HEY=1: required)
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
upgrades=${1:-20}
broken=${2:-10}
strategies=${STRATEGIES:-restart blue-green-haproxy blue-green-nginx socket-handoff container-restart container-blue-green}
scripts_dir="$repo_root/scripts"
if [[ -z "${TETHER:-}" || -z "${HELLO:-}" ]]; then
  cmake --preset release -S "$repo_root" >/dev/null
  cmake --build "$repo_root/build/release" -j "$(nproc)" --target tether hello >/dev/null
  TETHER="$repo_root/build/release/tether"
  HELLO="$repo_root/build/release/examples/hello/hello"
fi
need() { command -v "$1" >/dev/null || { echo "bench-switch: $1 is not installed (scripts/install-deps.sh)" >&2; exit 2; }; }
need wrk
case "${HEY:-auto}" in
  0) use_hey=0 ;;
  1) need hey; use_hey=1 ;;
  *) if command -v hey >/dev/null; then use_hey=1; else use_hey=0; echo "bench-switch: hey is not installed: no hey client (scripts/install-deps.sh)" >&2; fi ;;
esac
[[ "$strategies" == *haproxy* ]] && need haproxy
[[ "$strategies" == *nginx* ]] && need /usr/sbin/nginx
[[ "$strategies" == *container* ]] && { need podman; need docker-registry; need busybox; }

base="$(mktemp -d /tmp/tether-bench-switch.XXXXXX)"
daemon_pid="" proxy_pid="" registry_pid="" load_pids=() work="" root="" container_name=""
# shellcheck source=scripts/lib/state-repo.sh
source "$scripts_dir/lib/state-repo.sh"
# shellcheck source=scripts/lib/haproxy.sh
source "$scripts_dir/lib/haproxy.sh"
# One name per call: podman 4.3's `rm -f A B` removes nothing, silently and with exit status
# 0, when B does not exist (a container left running here once held the next run's port).
remove_containers() {
  local name
  for name in "$container_name" "$container_name-prev"; do
    podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  done
}
stop_load() {
  local pid
  for pid in "${load_pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  load_pids=()
}
cleanup() {
  stop_load
  [[ -n "$root" ]] && stop_service "$root"
  [[ -n "$container_name" ]] && remove_containers
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null
  [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null
  [[ -n "$registry_pid" ]] && kill "$registry_pid" 2>/dev/null
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $base" >&2; else rm -rf "$base"; fi
}
trap cleanup EXIT


port=$(free_port 18680 18681 18682 18683)
blue=$(free_port 18684 18685 18686)
green=$(free_port 18687 18688 18689)
fast=(-e "s|interval: 1s|interval: 100ms|" -e "s|deadline: 30s|deadline: 3s|" -e "s|successes: 2|successes: 1|")

# exec_manifest STRATEGY VERSION: services/hello.yaml switched by STRATEGY.
exec_manifest() {
  local strategy=$1 v=$2 file="$work/work/services/hello.yaml"
  case "$strategy" in
    restart) write_manifest "$v" "${fast[@]}" ;;
    blue-green-haproxy)
      write_manifest "$v" "${fast[@]}"
      printf '  switch:\n    strategy: blue-green\n    drainTimeout: 5s\n    blueGreen:\n      ports: [%s, %s]\n      portEnv: HELLO_PORT\n      haproxy: {socket: %s, backend: app, server: live}\n' \
        "$blue" "$green" "$work/admin.sock" >>"$file" ;;
    blue-green-nginx)
      write_manifest "$v" "${fast[@]}"
      printf '  switch:\n    strategy: blue-green\n    drainTimeout: 5s\n    blueGreen:\n      ports: [%s, %s]\n      portEnv: HELLO_PORT\n      nginx: {upstreamFile: %s, pidFile: %s}\n' \
        "$blue" "$green" "$work/nginx/upstream.conf" "$work/nginx/nginx.pid" >>"$file" ;;
    socket-handoff)
      write_manifest "$v" "${fast[@]}" -e 's|    http: {url: .*|    notify: {}|' \
        -e 's|      stopTimeout: 5s|      stopTimeout: 5s\n      env: {HELLO_NOTIFY: "1"}|'
      printf '  switch:\n    strategy: socket-handoff\n    drainTimeout: 5s\n    socketHandoff:\n      sockets: [{name: http, port: %s}]\n' \
        "$port" >>"$file" ;;
  esac
}

# The busybox httpd of the container images listens with a backlog of 9: more connections
# than that waiting for its accept(), under load, overflow the queue and the kernel drops the
# SYN silently, so HAProxy waits its connect timeout (1 s) before a retry and a client's 2 s
# timeout can expire (measured: 845 such retries in one run at load average 11-15, none at a
# switch). maxconn makes HAProxy queue the excess itself.
start_haproxy() {
  if [[ "$1" == container-* ]]; then
    start_haproxy_for "$work" "$port" "$blue" "maxconn 8"
  else
    start_haproxy_for "$work" "$port" "$blue"
  fi
}

# nginx as an operator would set it up for tether (docs/zero-downtime.md): an upstream include
# file that carries tether's marker, and proxy_next_upstream for a connection refused.
start_nginx() {
  local dir="$work/nginx"
  mkdir -p "$dir/temp"
  printf '# managed by tether\nserver 127.0.0.1:%s;\n' "$blue" >"$dir/upstream.conf"
  cat >"$dir/nginx.conf" <<CFG
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/temp/body; proxy_temp_path $dir/temp/proxy;
  fastcgi_temp_path $dir/temp/fastcgi; uwsgi_temp_path $dir/temp/uwsgi; scgi_temp_path $dir/temp/scgi;
  upstream app { include $dir/upstream.conf; }
  server {
    listen 127.0.0.1:$port;
    location / { proxy_pass http://app; }
  }
}
CFG
  /usr/sbin/nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" -g "daemon off;" 2>>"$dir/stderr.log" &
  proxy_pid=$!
  for _ in $(seq 50); do [[ -s "$dir/nginx.pid" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return; sleep 0.1; done
  echo "nginx did not start: $(cat "$dir/error.log" "$dir/stderr.log" 2>/dev/null)" >&2
  return 1
}

# --- container services: busybox httpd images in a loopback registry, pinned by digest ---

declare -A image
# setup_podman: podman configured as on a CI host (NOTES.md: runc, cgroupfs), a registry.
setup_podman() {
  local dir="$base/podman" reg_port
  mkdir -p "$dir/data"
  printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
    >"$dir/containers.conf"
  reg_port=$(free_port 18690 18691 18692)
  registry="127.0.0.1:$reg_port"
  printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$registry" >"$dir/registries.conf"
  export CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_REGISTRIES_CONF="$dir/registries.conf"
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' \
    "$dir/data" "$registry" >"$dir/registry.yml"
  docker-registry serve "$dir/registry.yml" >/dev/null 2>"$dir/registry.log" &
  registry_pid=$!
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$reg_port") 2>/dev/null && return; sleep 0.1; done
  echo "docker-registry did not start: $(cat "$dir/registry.log")" >&2
  return 1
}

# build_image TAG: a busybox image whose / answers TAG; a TAG naming "broken" has no /healthz.
build_image() {
  local tag=$1 rootfs="$base/podman/rootfs-$1" bb lib
  bb=$(command -v busybox)
  mkdir -p "$rootfs/bin" "$rootfs/www"
  cp "$bb" "$rootfs/bin/busybox"
  for lib in $(ldd "$bb" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$rootfs$(dirname "$lib")" && cp "$lib" "$rootfs$lib"
  done
  echo "web $tag" >"$rootfs/www/index.html"
  [[ "$tag" == *broken* ]] || echo ok >"$rootfs/www/healthz"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$rootfs.tar" .
  podman import --quiet "$rootfs.tar" "localhost/bench-web:$tag" >/dev/null
  podman push --quiet --digestfile "$rootfs.digest" "localhost/bench-web:$tag" "$registry/bench-web:$tag"
  image[$tag]="$registry/bench-web@$(head -c 71 "$rootfs.digest")"
}

# container_manifest STRATEGY TAG: services/bench-web.yaml running the image built for TAG.
container_manifest() {
  local tag=$2 ports="\"127.0.0.1:$port:8080\"" switch=""
  if [[ "$1" == container-blue-green ]]; then
    # tether publishes the container port on the blue or the green port (docs/zero-downtime.md)
    ports='"8080"'
    switch=$(printf '  switch:\n    strategy: blue-green\n    drainTimeout: 5s\n    blueGreen:\n      ports: [%s, %s]\n      haproxy: {socket: %s, backend: app, server: live}' \
      "$blue" "$green" "$work/admin.sock")
  fi
  rm -f "$work/work/services/hello.yaml"
  cat >"$work/work/services/bench-web.yaml" <<YAML
apiVersion: tether.dev/v1
kind: Service
metadata:
  name: bench-web
spec:
  container:
    image: "${image[$tag]}"
    args: [/bin/busybox, httpd, -f, -p, "8080", -h, /www]
    ports: [$ports]
    stopTimeout: 2s
  runtime: podman
  health:
    http: {url: "http://127.0.0.1:$port/healthz"}
    timeout: 1s
    interval: 100ms
    successes: 1
    deadline: 3s
$switch
YAML
}

# hey_summary FILE: hey's summary as one line like count-broken.lua's. Of GET /healthz's answers,
# 2xx come from a healthy release, 500 (hello's failing health) and 404 (the broken image has no
# /healthz) from a broken one, any other status from the proxy (a failure); hey's errors are
# failures, grouped by kind.
hey_summary() {
  awk '
    /^  Total:/ { secs = $2 }
    /^Status code distribution:/ { section = "status"; next }
    /^Error distribution:/ { section = "error"; next }
    /^$/ { section = "" }
    section == "status" && /^  \[[0-9]+\]/ {
      code = $1; gsub(/[][]/, "", code); n = $2; requests += n
      if (code == 404 || code == 500) broken += n
      else if (code !~ /^2/) { status += n; codes = codes sprintf(" %s:%d", code, n) }
    }
    section == "error" && /^  \[[0-9]+\]/ {
      n = $1; gsub(/[][]/, "", n); requests += n
      if ($0 ~ /refused/) refused += n
      else if ($0 ~ /reset/) reset += n
      else if ($0 ~ /EOF/) eof += n
      else if ($0 ~ /[Tt]imeout|deadline/) timeout += n
      else other += n
    }
    END {
      if (secs == "") { print "hey: no summary"; exit }
      printf "requests=%d rate=%.0f/s failed=%d broken=%d (refused %d, reset %d, eof %d, timeout %d, other %d, non-2xx %d%s)\n",
        requests, requests / secs, refused + reset + eof + timeout + other + status, broken,
        refused, reset, eof, timeout, other, status, codes
    }' "$1"
}

agent() { "$TETHER" run --once --repo "$repo_url" --root "$root" --host-id bench 2>>"$work/agent.log"; }

# deploy STRATEGY VERSION: declares VERSION and lets the agent converge (or roll back).
deploy() {
  case "$1" in
    container-*) container_manifest "$1" "$2" ;;
    *) exec_manifest "$1" "$2" ;;
  esac
  commit_and_push "$2" >/dev/null
  agent || [[ "$2" == *broken* ]] || { echo "bench-switch: $1 $2 did not converge:" >&2; tail -5 "$work/agent.log" >&2; return 1; }
}
revert_last() {
  git -C "$work/work" revert --no-edit HEAD >/dev/null
  git -C "$work/work" push -q origin HEAD:main
  agent
}

# bench STRATEGY: prints one result line per client.
bench() {
  local strategy=$1 i kind
  work="$base/$strategy" root="$base/$strategy/root"
  mkdir -p "$work"
  init_state_repo "$port"
  case "$strategy" in
    blue-green-haproxy | container-blue-green) start_haproxy "$strategy" ;;
    blue-green-nginx) start_nginx ;;
  esac
  start_git_daemon "$(free_port 19618 19619 19620 19621)"
  if [[ "$strategy" == container-* ]]; then
    container_name=tether-bench-web
    for v in 1.0.0 $(seq -f '1.%g.0' 1 "$upgrades") $(seq -f '9.0.%g-broken' 1 "$broken"); do
      [[ -n "${image[$v]:-}" ]] || build_image "$v"
    done
  else
    for v in 1.0.0 $(seq -f '1.%g.0' 1 "$upgrades"); do build_release "$v" "$HELLO"; done
    for i in $(seq "$broken"); do build_release "9.0.$i-broken" "$HELLO" --broken-health; done
  fi
  deploy "$strategy" 1.0.0
  wrk -t1 -c4 -d1h -H "Connection: close" -s "$scripts_dir/lib/count-broken.lua" "http://127.0.0.1:$port/" \
    >"$work/wrk-new.out" 2>&1 &
  load_pids+=($!)
  wrk -t1 -c4 -d1h -s "$scripts_dir/lib/count-broken.lua" "http://127.0.0.1:$port/" >"$work/wrk-keepalive.out" 2>&1 &
  load_pids+=($!)
  if ((use_hey)); then
    # -t 2: wrk's timeout; hey stops and prints its summary on SIGINT (stop_load).
    hey -z 1h -c 4 -t 2 "http://127.0.0.1:$port/healthz" >"$work/hey.out" 2>&1 &
    load_pids+=($!)
  fi
  sleep 1
  for i in $(seq "$upgrades"); do
    deploy "$strategy" "1.$i.0"
    revert_last
    # The broken releases spread over the run: one after every UPGRADES/BROKEN upgrades.
    if ((i * broken / upgrades > (i - 1) * broken / upgrades)); then
      deploy "$strategy" "9.0.$((i * broken / upgrades))-broken"
      revert_last
    fi
  done
  sleep 1
  stop_load
  for kind in new keepalive; do
    printf '%-20s %-10s %s\n' "$strategy" "$kind" \
      "$(grep -o 'requests=.*' "$work/wrk-$kind.out" || echo "wrk: $(tail -3 "$work/wrk-$kind.out")")"
  done
  ((use_hey)) && printf '%-20s %-10s %s\n' "$strategy" hey "$(hey_summary "$work/hey.out")"
  printf '%-20s %-10s %s\n' "$strategy" journal \
    "auto-rollbacks=$(grep -c '"action":"auto-rollback"' "$root/state/journal.jsonl" || true)"
  stop_service "$root"
  if [[ -n "$container_name" ]]; then
    remove_containers
    container_name=""
  fi
  kill "$daemon_pid"; daemon_pid=""
  if [[ -n "$proxy_pid" ]]; then kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""; fi
  root=""
}

[[ "$strategies" == *container* ]] && setup_podman
echo "$upgrades upgrades, $upgrades reverts, $broken broken releases per strategy;" \
  "wrk -c4 with a new connection per request (new) and wrk -c4 keep-alive (keepalive)$( ((use_hey)) && echo ", hey -c4 keep-alive on /healthz (hey)"), at once"
for strategy in $strategies; do bench "$strategy"; done
