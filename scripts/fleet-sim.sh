#!/usr/bin/env bash
# Fleet simulation: N tether agents on this machine, each with its own root, host id, labels and
# local API, poll one Git server on loopback (git daemon, or smart HTTP behind a caching nginx). A tiny release (a copy of sleep, or a shell script that execs it) is
# declared (1.0.0), upgraded (1.1.0) and rolled back with `git revert`; for each change every
# host's push->converged time is taken from its journal (millisecond times of the applied
# change), with the Git server's CPU, the fetches it served, the agents' RSS and the load.
#
#   scripts/fleet-sim.sh N [--interval 5s] [--out DIR] [options]      (see --help)
#
# Writes DIR/convergence.csv (host,change,seconds) and DIR/summary.txt. Everything it starts
# (agents, the services they start, git daemon, a counting proxy) is stopped on exit, Ctrl-C
# included, and its temp dir removed (unless --keep).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
measure="$repo_root/scripts/lib/fleet-sim-measure.py"

usage() {
  cat <<'USAGE'
usage: scripts/fleet-sim.sh N [--interval 5s] [--out DIR] [--tether PATH] [--start-rate R]
                              [--quiet SECONDS] [--timeout SECONDS] [--api-base PORT]
                              [--git-server daemon|socket|http] [--no-pack-cache]
                              [--service binary|script] [--gate exec|none] [--keep]

  N              number of agents (1..2000), host ids sim-0001.., labels role=web and
                 zone=a|b (alternating); the service selects role=web
  --interval D   the agents' poll interval (default 5s; jitter is the default 10%)
  --out DIR      results (default build/fleet-sim/n<N> under the repository)
  --tether PATH  the agent binary (default build/release/tether, built if missing)
  --start-rate R agents started per second (default 20), staggered so that first polls and
                 the first clones do not all land at once
  --quiet S      seconds of quiet polling measured before each change (default 2 x interval)
  --timeout S    how long to wait for every host after a push (default 20 x interval + 200 +
                 N/5 seconds: an agent whose polls fail backs off, doubling up to 5 minutes);
                 hosts that did not converge by then are NA in convergence.csv
  --api-base P   first local API port (default 21000; agent i listens on P+i-1)
  --git-server S daemon (default): `git daemon --max-connections=0`, which listens with a
                 hard-coded backlog of 5; socket: the same git-daemon per connection in --inetd
                 mode behind `systemd-socket-activate --accept` (listen backlog SOMAXCONN), to
                 tell the listen queue apart from CPU; http: smart HTTP, nginx in front of
                 `git http-backend` (fcgiwrap), caching the ref advertisement (GET info/refs)
                 for 1 s, so quiet polls cost the server a cache hit instead of a fork of
                 git-upload-pack, and the fetches (POST git-upload-pack) by request
                 body (needs: apt-get install nginx-light fcgiwrap)
  --no-pack-cache with --git-server http: send every fetch to git (ref advertisement still
                 cached), to measure what the pack cache saves
  --service S    the service each agent runs: binary (default: a copy of coreutils' sleep,
                 one exec per start) or script (a shell script that execs sleep: two execs
                 and a PATH search per start)
  --gate G       exec (default): the service declares a cheap health gate (its program is
                 executable, and the gate sees the started process alive), which judges each
                 switch; none: no health spec, so each start waits the 300 ms a service
                 without a gate must stay up (the figures before the gate was added)
  --keep         keep the temp dir (roots, logs, state repo) for inspection
USAGE
}

die() { printf 'fleet-sim.sh: %s\n' "$*" >&2; exit 2; }

n=""
interval=5s
out=""
tether="$repo_root/build/release/tether"
start_rate=20
quiet=""
timeout=""
git_server=daemon
pack_cache=1
service=binary
gate=exec
api_base=21000
keep=0
while (($# > 0)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --interval) interval=${2:?--interval needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a DIR}; shift 2 ;;
    --tether) tether=${2:?--tether needs a PATH}; shift 2 ;;
    --start-rate) start_rate=${2:?--start-rate needs a value}; shift 2 ;;
    --quiet) quiet=${2:?--quiet needs seconds}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --git-server) git_server=${2:?--git-server needs daemon, socket or http}; shift 2 ;;
    --api-base) api_base=${2:?--api-base needs a port}; shift 2 ;;
    --no-pack-cache) pack_cache=0; shift ;;
    --service) service=${2:?--service needs binary or script}; shift 2 ;;
    --gate) gate=${2:?--gate needs exec or none}; shift 2 ;;
    --keep) keep=1; shift ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z "$n" ]] || die "unexpected argument '$1'"; n=$1; shift ;;
  esac
done
if ! [[ "$n" =~ ^[0-9]+$ ]] || ((n < 1 || n > 2000)); then die "N must be 1..2000 (see --help)"; fi
if ! [[ "$start_rate" =~ ^[0-9]+$ ]] || ((start_rate < 1)); then die "--start-rate must be a positive integer"; fi
case "$interval" in
  *ms) interval_s=$(awk -v v="${interval%ms}" 'BEGIN{print v/1000}') ;;
  *s) interval_s=${interval%s} ;;
  *m) interval_s=$(awk -v v="${interval%m}" 'BEGIN{print v*60}') ;;
  *) die "--interval: expected e.g. 5s, 500ms or 1m" ;;
esac
case "$git_server" in daemon | socket | http) ;; *) die "--git-server: daemon, socket or http" ;; esac
case "$service" in binary | script) ;; *) die "--service: binary or script" ;; esac
case "$gate" in exec | none) ;; *) die "--gate: exec or none" ;; esac
if [[ "$git_server" == http ]]; then
  for tool in nginx fcgiwrap; do
    command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] ||
      die "--git-server http needs $tool: apt-get install nginx-light fcgiwrap"
  done
fi
[[ -n "$quiet" ]] || quiet=$(awk -v i="$interval_s" 'BEGIN{print 2*i}')
out=${out:-$repo_root/build/fleet-sim/n$n}
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
rm -f "$out/convergence.csv" "$out/stats.jsonl" "$out/summary.txt" "$out/hosts.tsv"
echo "host,change,seconds" >"$out/convergence.csv"

if [[ ! -x "$tether" ]]; then
  echo "==> building $tether (release preset)"
  cmake --preset release -S "$repo_root" >/dev/null
  cmake --build "$repo_root/build/release" -j "$(nproc)" --target tether >/dev/null
fi
tether="$(cd "$(dirname "$tether")" && pwd -P)/$(basename "$tether")"

# Every agent, its API socket and its Git connections are fds of their own processes; the
# limit matters for this shell and the measuring helper, so raise it to the hard limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work="$(mktemp -d /tmp/tether-fleet.XXXXXX)"
daemon_pid=""
proxy_pid=""
agent_pids=()

# Stops everything this script started, by pid: agents first (so none restarts its service),
# then the services (detached in their own sessions: their pid files name the group), then
# the proxy and git daemon.
cleanup() {
  local rc=$? pid deadline pidfile svc
  trap - EXIT INT TERM
  if ((${#agent_pids[@]} > 0)); then
    echo "==> stopping ${#agent_pids[@]} agents and their services"
    for pid in "${agent_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    deadline=$((SECONDS + 15))
    for pid in "${agent_pids[@]}"; do
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    done
    wait "${agent_pids[@]}" 2>/dev/null || true
  fi
  for pidfile in "$work"/hosts/*/services/*/run/exec.pid "$work"/probe/services/*/run/exec.pid; do
    [[ -f "$pidfile" ]] || continue
    svc=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$pidfile")
    [[ -n "$svc" ]] && { kill -TERM -- "-$svc" 2>/dev/null || kill -TERM "$svc" 2>/dev/null || true; }
  done
  for pid in "$proxy_pid" "$daemon_pid"; do
    # The http server is a session of its own (nginx + fcgiwrap): its group goes at once.
    if [[ -n "$pid" ]]; then kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
  if [[ -n "${git_cgroup:-}" ]]; then
    for _ in $(seq 50); do rmdir "$git_cgroup" 2>/dev/null && break; sleep 0.1; done
  fi
  if ((keep)); then echo "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  local port
  for port in "$@"; do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port among $*"
}

# ---- the release, packed reproducibly: bin/app is a copy of coreutils' sleep (--service
# binary: one exec per start) or a POSIX shell script that execs sleep (--service script: two,
# plus the shell's PATH search) ----
declare -A artifact artifact_sha binary_sha
make_app_release() {
  local v=$1 stage="$work/stage-$1"
  mkdir -p "$stage/bin" "$work/artifacts"
  if [[ "$service" == binary ]]; then
    # Bytes after an ELF image are never loaded: they make each version's binary its own.
    cat "$(command -v sleep)" >"$stage/bin/app"
    printf '\n# app %s (fleet simulation)\n' "$v" >>"$stage/bin/app"
  else
    printf '#!/bin/sh\n# app %s (fleet simulation)\nexec sleep 100000\n' "$v" >"$stage/bin/app"
  fi
  chmod 0755 "$stage/bin/app"
  printf '%s\n' "$v" >"$stage/VERSION"
  artifact[$v]="$work/artifacts/app-$v.tar.gz"
  tar -C "$stage" --format=gnu --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    -cf - VERSION bin/app | gzip -n -9 >"${artifact[$v]}"
  artifact_sha[$v]=$(sha256sum "${artifact[$v]}" | cut -c1-64)
  binary_sha[$v]=$(sha256sum "$stage/bin/app" | cut -c1-64)
}

write_manifest() {
  local v=$1
  cat >"$work/work/services/app.yaml" <<EOF
apiVersion: tether.dev/v1
kind: Service
metadata:
  name: app
spec:
  selector: {role: web}
  release:
    version: "$v"
    commit: "$(printf 'app-%s' "$v" | sha1sum | cut -c1-40)"
    artifact:
      url: "file://${artifact[$v]}"
      sha256: "${artifact_sha[$v]}"
    binary:
      path: bin/app
      sha256: "${binary_sha[$v]}"
  run:
    exec:
      command: $([[ "$service" == binary ]] && echo '["bin/app", "100000"]' || echo '["bin/app"]')
      stopTimeout: 2s
$(gate_section)
  keepReleases: 3
EOF
}

# --gate exec: a cheap health gate (the release's program is in place and executable, and the
# gate's own check that the started process is still alive), so that a switch is judged by it
# instead of by the fixed 300 ms a service without any gate must stay up. Its interval is also
# the health watch's between changes: 5 s keeps that to one tiny exec per agent every 5 s.
gate_section() {
  [[ "$gate" == exec ]] || return 0
  cat <<'GATE'
  health:
    exec: {command: ["test", "-x", "bin/app"]}
    timeout: 2s
    interval: 5s
    successes: 1
    deadline: 10s
GATE
}

git_w() { git -C "$work/work" "$@"; }

echo "==> $n agents, interval $interval, git server: $git_server, gate: $gate, results in $out (temp dir $work)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "    load average now: $load_before"
make_app_release 1.0.0
make_app_release 1.1.0

# ---- the state repo, served by git daemon ----
git init -q --bare --initial-branch=main "$work/git/state.git"
git init -q --initial-branch=main "$work/work"
git_w config user.email ops@example.com
git_w config user.name Ops
git_w remote add origin "$work/git/state.git"
mkdir -p "$work/work/services"
printf '# fleet simulation state repo\n' >"$work/work/README.md"
git_w add -A
git_w commit -qm "empty fleet"
git_w push -q origin HEAD:main

# nginx in front of `git http-backend` (through fcgiwrap). The ref advertisement (GET
# info/refs?service=git-upload-pack) is the same bytes for every host until the branch moves, so
# it is cached for 1 s: one origin request a second whatever the fleet size, at most 1 s stale.
# cache_lock + use_stale updating: while one request refreshes it the others get the old copy
# instead of piling onto git.
# A fetch (POST git-upload-pack) is cached too, keyed by its whole request body: the body is the
# want and have lines, object ids that name immutable content, so the same body always earns
# the same pack (--no-pack-cache sends every fetch to git). After a push all hosts of the fleet
# were at the same commit, so they send the same body: git runs once per negotiation round
# instead of once per host. cache_lock holds the others until the first answer is stored.
write_nginx_conf() {
  local port=$1
  mkdir -p "$work/nginx-tmp"
  cat <<EOF
daemon off;
master_process on;
worker_processes 1;
user root;
pid $work/nginx.pid;
error_log $work/git-daemon.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp/body;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  proxy_temp_path $work/nginx-tmp/proxy;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  fastcgi_cache_path $work/nginx-cache levels=1 keys_zone=refs:1m max_size=16m;
  fastcgi_cache_path $work/nginx-packs levels=1 keys_zone=packs:4m max_size=256m;
  # A body nginx did not keep in memory leaves \$request_body empty: never cache under that key.
  map \$request_body \$pack_cache_bypass { "" 1; default 0; }
  log_format fetches '\$msec \$upstream_cache_status \$request_length \$bytes_sent';
  server {
    listen 127.0.0.1:$port backlog=4096;
    client_max_body_size 0;
    include /etc/nginx/fastcgi_params;
    fastcgi_param SCRIPT_FILENAME $(git --exec-path)/git-http-backend;
    fastcgi_param GIT_PROJECT_ROOT $work/git;
    fastcgi_param GIT_HTTP_EXPORT_ALL "";
    fastcgi_param PATH_INFO \$uri;
    location ~ /info/refs\$ {
      fastcgi_cache refs;
      # The protocol version (git's v2 header; libgit2 sends none) changes the answer.
      fastcgi_cache_key \$request_uri\$http_git_protocol;
      fastcgi_cache_valid 200 1s;
      fastcgi_cache_lock on;
      fastcgi_cache_use_stale updating;
      fastcgi_ignore_headers Cache-Control Expires;
      fastcgi_pass unix:$work/fcgi.sock;
    }
    location ~ /git-upload-pack\$ {
      access_log $work/fetches.log fetches;
$(if ((pack_cache)); then cat <<CACHE
      # \$request_body is only set for a body held in one memory buffer: negotiation bodies
      # are a few KiB (want/have lines); a larger one is not cached (empty key part -> bypass).
      client_body_buffer_size 256k;
      client_body_in_single_buffer on;
      fastcgi_cache packs;
      fastcgi_cache_methods POST;
      fastcgi_cache_key \$request_uri\$http_git_protocol\$request_body;
      fastcgi_cache_bypass \$pack_cache_bypass;
      fastcgi_no_cache \$pack_cache_bypass;
      fastcgi_cache_valid 200 10m;
      fastcgi_cache_lock on;
      fastcgi_cache_lock_timeout 30s;
      fastcgi_ignore_headers Cache-Control Expires;
CACHE
fi)
      fastcgi_pass unix:$work/fcgi.sock;
    }
    location / {
      fastcgi_pass unix:$work/fcgi.sock;
    }
  }
}
EOF
}

git_port=$(free_port 19618 19619 19620 19621 19622 19623)
# git-daemon itself (not the `git` wrapper, which would run it as a child), so that its
# /proc stat, children included, is the Git server's CPU. No connection limit (default 32).
git_daemon="$(git --exec-path)/git-daemon"
# The Git server's CPU, dead children included: a cpuacct cgroup when this machine lets us make
# one (fcgiwrap ignores SIGCHLD, so the CGI processes it runs never reach anyone's cutime);
# else the measuring helper sums the server's process tree.
git_cgroup=""
if [[ -w /sys/fs/cgroup/cpuacct ]] && mkdir "/sys/fs/cgroup/cpuacct/tether-fleet-sim.$$" 2>/dev/null; then
  git_cgroup="/sys/fs/cgroup/cpuacct/tether-fleet-sim.$$"
  echo "$git_cgroup" >"$out/git-cgroup"
else
  rm -f "$out/git-cgroup"
fi
in_git_cgroup() {  # COMMAND...: exec it inside the Git server's cgroup, if there is one
  if [[ -n "$git_cgroup" ]]; then echo "$BASHPID" >"$git_cgroup/cgroup.procs"; fi
  exec "$@"
}
case "$git_server" in
  daemon)
    in_git_cgroup "$git_daemon" --reuseaddr --listen=127.0.0.1 --port="$git_port" \
      --base-path="$work/git" --export-all --max-connections=0 "$work/git" 2>"$work/git-daemon.log" &
    ;;
  socket)
    # One git-daemon --inetd per connection; systemd-socket-activate logs every connection on
    # stderr, which is dropped.
    in_git_cgroup systemd-socket-activate -l "127.0.0.1:$git_port" --accept --inetd \
      "$git_daemon" --inetd --base-path="$work/git" --export-all "$work/git" 2>/dev/null &
    ;;
  http)
    write_nginx_conf "$git_port" >"$work/nginx.conf"
    # One process group (its own session) holding nginx and fcgiwrap, so that the CPU of the
    # whole Git server is this shell's process tree and cleanup stops it with one signal.
    in_git_cgroup setsid bash -c 'fcgiwrap -s "unix:$1/fcgi.sock" -c 4 & exec nginx -c "$1/nginx.conf" -e "$1/git-daemon.log"' \
      _ "$work" 2>>"$work/git-daemon.log" &
    ;;
esac
daemon_pid=$!
echo "$daemon_pid" >"$out/git-daemon.pid"
scheme=git
[[ "$git_server" == http ]] && scheme=http
repo_url="$scheme://127.0.0.1:$git_port/state.git"
for _ in $(seq 50); do git ls-remote "$repo_url" >/dev/null 2>&1 && break; sleep 0.1; done
git ls-remote "$repo_url" >/dev/null || die "git daemon did not start on port $git_port"

# ---- the agents' API ports: api_base .. api_base+N-1 must all be free ----
listening=$(ss -Htln | awk '{print $4}' | sed 's/.*://' | sort -u)
for port in $(seq "$api_base" $((api_base + n - 1))); do
  grep -qx "$port" <<<"$listening" && die "port $port is in use: pick another --api-base"
done

# ---- start the agents, staggered ----
echo "==> starting $n agents at $start_rate/s"
mkdir -p "$work/hosts" "$work/logs"
batch=$(((start_rate + 9) / 10))  # agents per 100 ms
t_start=$(date +%s.%N)
for i in $(seq "$n"); do
  host=$(printf 'sim-%04d' "$i")
  zone=$([[ $((i % 2)) == 1 ]] && echo a || echo b)
  port=$((api_base + i - 1))
  "$tether" run --repo "$repo_url" --root "$work/hosts/$host" --host-id "$host" \
    --label role=web --label "zone=$zone" --interval "$interval" \
    --api-listen "127.0.0.1:$port" --log-format json >"$work/logs/$host.log" 2>&1 &
  agent_pids+=($!)
  printf '%s\t%s\t%s\t%s\n' "$host" "$work/hosts/$host" "$port" "$!" >>"$out/hosts.tsv"
  if ((i % batch == 0)); then sleep 0.1; fi
done
start_seconds=$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
/usr/bin/python3 "$measure" ready "$out" $((120 + n / 2))

# ---- a counting proxy for one extra agent (not part of the fleet): bytes per Git request ----
proxy_port=$(free_port 19718 19719 19720 19721 19722 19723)
/usr/bin/python3 "$measure" proxy "$proxy_port" "$git_port" "$work/proxy.log" &
proxy_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && break; sleep 0.1; done
probe() {
  /usr/bin/python3 "$measure" probe "$out" "$1" "$work/proxy.log" -- \
    "$tether" run --once --repo "$scheme://127.0.0.1:$proxy_port/state.git" --root "$work/probe" \
    --host-id sim-probe --label role=web --label zone=a
}
probe "first pass (clone)"

# ---- the changes ----
[[ -n "$timeout" ]] || timeout=$(awk -v i="$interval_s" -v n="$n" 'BEGIN{printf "%d", 20*i + 200 + n/5}')
change() {  # NAME VERSION: the commit is made; push it and measure
  /usr/bin/python3 "$measure" idle "$out" "$quiet"
  /usr/bin/python3 "$measure" change "$out" "$1" "$2" "$(git_w rev-parse HEAD)" "$timeout" -- \
    git -C "$work/work" push -q origin HEAD:main || echo "(not every host converged: see above)"
  probe "$1"
}
echo "==> 1. declare app 1.0.0 (first install)"
write_manifest 1.0.0
git_w add -A
git_w commit -qm "app 1.0.0"
change install 1.0.0

echo "==> 2. upgrade to 1.1.0"
write_manifest 1.1.0
git_w commit -qam "app 1.1.0"
change upgrade 1.1.0

echo "==> 3. roll back: git revert of the 1.1.0 commit"
git_w revert --no-edit HEAD >/dev/null
change revert 1.0.0
probe "no change (ls-remote)"

/usr/bin/python3 "$measure" rss "$out"
echo "agents' warnings and errors:"
/usr/bin/python3 "$measure" logs "$out" "$work/logs"
if [[ -s "$work/fetches.log" ]]; then
  # One line per POST git-upload-pack: HIT = answered from the pack cache, MISS = git ran,
  # '-' = not cacheable (cache off, or a body too large to key).
  echo "fetch requests (POST git-upload-pack) by cache status:" \
    "$(awk '{c[$2]++} END {for (k in c) printf "%s %d  ", k, c[k]}' "$work/fetches.log")"
  cp "$work/fetches.log" "$out/fetches.log"
fi
if [[ -s "$work/git-daemon.log" ]]; then
  echo "git daemon log ($(wc -l <"$work/git-daemon.log") lines, last 5):"
  tail -5 "$work/git-daemon.log"
fi

meta=$(/usr/bin/python3 - "$n" "$interval" "$interval_s" "$tether" "$load_before" "$start_seconds" "$start_rate" "$git_server" "$pack_cache" "$service" <<'PY'
import json, os, platform, subprocess, sys, datetime
n, interval, interval_s, tether, load, start_s, rate, server, pack_cache, service = sys.argv[1:]
mem = next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1]
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
build = "release" if "/build/release/" in tether else tether
print(json.dumps({
    "n": int(n), "interval": interval, "interval_seconds": float(interval_s),
    "tether": build, "cores": os.cpu_count(), "load_before": load,
    "start_seconds": start_s, "start_rate": rate, "git_server": server,
    "pack_cache": server == "http" and pack_cache == "1", "service": service,
    "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    "machine": f"{os.cpu_count()} cores ({model}), {int(mem) / 1024 / 1024:.0f} GiB RAM, "
               f"{platform.system()} {platform.release()}, git {subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.split()[-1]}",
}))
PY
)
echo
/usr/bin/python3 "$measure" summary "$out" "$meta"
echo "(per host: $out/convergence.csv)"
