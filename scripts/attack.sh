#!/usr/bin/env bash
# Network attacks on a real `tether run` daemon (issue #19), loopback only and bounded in time.
#   scripts/attack.sh [--short]     BUILD_DIR=... picks the build (default build/dev)
# Cases: a Git server that accepts and never answers, over git:// and http://; an artifact
# server trickling 1 byte/s; a file:// artifact that is a FIFO; a slowloris on the API (from
# 127.0.0.2, beside a normal client on 127.0.0.1). For each: a clear error within its deadline,
# the host keeps serving its last good release, SIGTERM mid-attack stops the agent within 5 s,
# and a fix commit is applied on the next pass. Prints "attack.sh: N of M cases held" and exits
# non-zero when a case did not hold. --short: shorter limits, for CI (CTest test attack.short).
set -uo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo_root/build/dev}"
tether="$build/tether"
hello_bin="$build/examples/hello/hello"
short=0
[[ "${1:-}" == "--short" ]] && short=1
for tool in git python3 busybox; do
  command -v "$tool" >/dev/null || { echo "attack.sh: needs $tool (scripts/install-deps.sh)" >&2; exit 2; }
done
[[ -x "$tether" ]] || { echo "attack.sh: no $tether; build first (cmake --build build/dev)" >&2; exit 2; }
[[ -x "$hello_bin" ]] || hello_bin="$(find "$build" -name hello -type f -perm -u+x | head -1)"

# Limits the agent runs under, and how long each case may take to show its error.
# repo.timeout: the agent's default (30s) in a full run; 3s in CI, where only the verdict counts.
low_speed_time=5s; git_timeout=30s; git_deadline=90; error_deadline=20
if ((short)); then low_speed_time=2s; git_timeout=3s; git_deadline=20; error_deadline=12; fi

work="$(mktemp -d /tmp/tether-attack-XXXXXX)"
pids=()
agent_pid=0
cleanup() {
  ((agent_pid > 0)) && kill -9 "$agent_pid" 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [[ -f "$work/root/services/hello/run/exec.pid" ]] &&
    kill -9 -- "-$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["pid"])' \
      "$work/root/services/hello/run/exec.pid")" 2>/dev/null
  wait 2>/dev/null
  [[ -n "${KEEP:-}" ]] && echo "attack.sh: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

say() { printf '[%5.1fs] %s\n' "$(($(date +%s%N) / 1000000 - start_ms))e-3" "$*"; }
start_ms=$(($(date +%s%N) / 1000000))
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# Polls `cmd` every 0.2 s for up to `secs`; 0 once it succeeds.
until_true() {
  local secs=$1; shift
  local end=$(($(date +%s) + secs))
  while (($(date +%s) < end)); do "$@" && return 0; sleep 0.2; done
  return 1
}

# ---- helpers in python: a black hole, a trickling HTTP server, a slowloris client ----------
cat >"$work/blackhole.py" <<'PY'
# Accepts TCP connections and never answers (a Git server that hangs), until killed.
import socket, sys, threading, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
held = []
while True:
    conn, _ = s.accept(); held.append(conn)
    open(sys.argv[2], "a").write("accepted\n")
PY
cat >"$work/trickle.py" <<'PY'
# An HTTP server announcing a 50 MiB body and sending it at 1 byte/s.
import http.server, sys, time
class Trickle(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        open(sys.argv[2], "a").write("request\n")
        self.send_response(200)
        self.send_header("Content-Length", str(50 * 1024 * 1024))
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"x"); self.wfile.flush(); time.sleep(1)
        except OSError:
            pass
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Trickle).serve_forever()
PY
cat >"$work/slowloris.py" <<'PY'
# Holds N connections to the API from 127.0.0.2, one header byte every second; prints what
# the server answered on each and how long it held, then one more connection's answer.
import socket, sys, time, threading
port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
def slow(i, out):
    s = socket.socket(); s.bind(("127.0.0.2", 0)); s.connect(("127.0.0.1", port))
    s.settimeout(1.0); start = time.time(); s.sendall(b"GET /status HTTP/1.1\r\n")
    answer = b""
    while time.time() - start < hold:
        try:
            s.sendall(b"X")
            data = s.recv(4096)
            if not data: break
            answer += data; break
        except socket.timeout:
            continue
        except OSError:
            break
    out[i] = (answer.split(b"\r\n")[0].decode() or "closed", round(time.time() - start, 1))
out = {}
threads = [threading.Thread(target=slow, args=(i, out)) for i in range(count)]
for t in threads: t.start()
time.sleep(1.0)
extra = socket.socket(); extra.bind(("127.0.0.2", 0)); extra.connect(("127.0.0.1", port))
extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); extra.settimeout(5)
try: print("extra:", extra.recv(4096).split(b"\r\n")[0].decode(), flush=True)
except OSError as e: print("extra: error", e, flush=True)
for t in threads: t.join()
for i in sorted(out): print("slow%d: %s after %ss" % (i, out[i][0], out[i][1]), flush=True)
PY

# ---- the state repo, served by git daemon (git://) and busybox httpd (smart http) ----------
git_port=$(free_port); httpd_port=$(free_port); api_port=$(free_port); hello_port=$(free_port)
git init -q --bare "$work/srv/state.git"
git -C "$work/srv/state.git" config http.receivepack true
git clone -q "$work/srv/state.git" "$work/state" 2>/dev/null
git -C "$work/state" config user.email attack@example.com
git -C "$work/state" config user.name attack
git daemon --reuseaddr --listen=127.0.0.1 --port="$git_port" --base-path="$work/srv" \
  --export-all "$work/srv" >/dev/null 2>&1 &
pids+=($!)
mkdir -p "$work/www/cgi-bin"
printf '#!/bin/sh\nexport GIT_PROJECT_ROOT=%s\nexport GIT_HTTP_EXPORT_ALL=1\nexec /usr/lib/git-core/git-http-backend\n' \
  "$work/srv" >"$work/www/cgi-bin/git"
chmod 755 "$work/www/cgi-bin/git"
busybox httpd -f -p "127.0.0.1:$httpd_port" -h "$work/www" &
pids+=($!)
git_url="git://127.0.0.1:$git_port/state.git"
http_url="http://127.0.0.1:$httpd_port/cgi-bin/git/state.git"

declare -A digest
make_release() {  # VERSION: builds hello-VERSION.tar.gz, records its digests
  local out
  out="$("$repo_root/scripts/make-release.sh" "$1" "$work/artifacts" --binary "$hello_bin")" || return 1
  digest[$1.artifact]=$(sed -n 's/^artifact_sha256=//p' <<<"$out")
  digest[$1.binary]=$(sed -n 's/^binary_sha256=//p' <<<"$out")
}
# Commits hello VERSION with its artifact at URL (default: the file:// of the real artifact).
commit_hello() {
  local version=$1 url=${2:-file://$work/artifacts/hello-$1.tar.gz}
  mkdir -p "$work/state/services" "$work/state/config/hello"
  printf 'port=%s\nmessage=hello\n' "$hello_port" >"$work/state/config/hello/hello.conf"
  cat >"$work/state/services/hello.yaml" <<YAML
apiVersion: tether.dev/v1
kind: Service
metadata:
  name: hello
spec:
  release:
    version: "$version"
    commit: "$(printf 'a%039d' "${version//./}")"
    artifact:
      url: "$url"
      sha256: ${digest[$version.artifact]}
    binary: {path: bin/hello, sha256: ${digest[$version.binary]}}
  config:
    - {source: config/hello/hello.conf, target: etc/hello.conf}
  run:
    exec: {command: [bin/hello, --config, etc/hello.conf], stopTimeout: 5s}
  health:
    http: {url: "http://127.0.0.1:$hello_port/healthz"}
    timeout: 1s
    interval: 200ms
    successes: 2
    deadline: 10s
YAML
  git -C "$work/state" add -A
  git -C "$work/state" commit -q -m "hello $version from $url"
  git -C "$work/state" push -q origin HEAD:main 2>/dev/null
}
hello_says() { curl -s --max-time 2 "http://127.0.0.1:$hello_port/" 2>/dev/null; }
serves() { [[ "$(hello_says)" == "hello $1" ]]; }
journal_has() { grep -q -- "$1" "$work/root/state/journal.jsonl" 2>/dev/null || grep -q -- "$1" "$work/root/journal.jsonl" 2>/dev/null; }
log_has() { grep -q -- "$1" "$work/agent.log"; }

# Starts the agent following URL (with the limits above).
start_agent() {
  cat >"$work/agent.yaml" <<YAML
apiVersion: tether.dev/v1
kind: Agent
repo: {url: "$1", timeout: $git_timeout}
root: $work/root
host: {id: attack-host}
api: {listen: "127.0.0.1:$api_port"}
poll: {interval: 30s, jitter: "0%"}
network: {connectTimeout: 3s, lowSpeedBytesPerSecond: 100, lowSpeedTime: $low_speed_time}
YAML
  "$tether" run --config "$work/agent.yaml" >>"$work/agent.log" 2>&1 &
  agent_pid=$!
  until_true 10 curl -sf --max-time 1 "http://127.0.0.1:$api_port/healthz" -o /dev/null
}
# SIGTERMs the agent; 0 when it exited within 5 s (else it is SIGKILLed).
stop_agent() {
  local t0=$(($(date +%s%N) / 1000000))
  kill -TERM "$agent_pid"
  if until_true 5 bash -c "! kill -0 $agent_pid 2>/dev/null"; then
    wait "$agent_pid" 2>/dev/null
    say "  SIGTERM: stopped after $(($(date +%s%N) / 1000000 - t0)) ms"
    agent_pid=0
    return 0
  fi
  say "  SIGTERM: still running after 5 s; SIGKILL"
  kill -9 "$agent_pid"; wait "$agent_pid" 2>/dev/null; agent_pid=0
  return 1
}
poll_now() { kill -HUP "$agent_pid"; }

held=0; total=0; failed_cases=()
# Records a case: name, then the failed checks ("" = held).
verdict() {
  total=$((total + 1))
  if [[ -z "$2" ]]; then held=$((held + 1)); say "HELD   $1"; else failed_cases+=("$1"); say "FAILED $1:$2"; fi
}

# ---- setup: hello 1.0.0 serving --------------------------------------------------------------
versions=(1.0.0 2.0.0 3.0.0 4.0.0 5.0.0 6.0.0 7.0.0)
for v in "${versions[@]}"; do make_release "$v" || { echo "attack.sh: make-release failed" >&2; exit 2; }; done
commit_hello 1.0.0
start_agent "$git_url" || { echo "attack.sh: the agent did not start" >&2; cat "$work/agent.log" >&2; exit 2; }
until_true 30 serves 1.0.0 || { echo "attack.sh: hello 1.0.0 never served" >&2; tail -30 "$work/agent.log" >&2; exit 2; }
say "setup: hello 1.0.0 serves (agent on $git_url)"
serving=1.0.0

# How the artifact cases end: SIGTERM honoured within 5 s, a restart, and the fix commit
# (hello `version` from a working URL) applied on the next pass. Appends what did not hold to
# `bad` and moves `serving` on success (both the caller's locals, as bash scoping allows).
sigterm_then_fix() {
  local version=$1
  stop_agent || bad+=" SIGTERM not honoured in 5 s"
  start_agent "$git_url" || bad+=" agent did not restart"
  commit_hello "$version"; poll_now
  until_true 30 serves "$version" && serving=$version || bad+=" fix commit not applied"
}

# ---- case: trickling artifact server ---------------------------------------------------------
case_trickle() {
  local bad="" port; port=$(free_port)
  python3 "$work/trickle.py" "$port" "$work/trickle.hits" & pids+=($!)
  until_true 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
  commit_hello 2.0.0 "http://127.0.0.1:$port/hello-2.0.0.tar.gz"; poll_now
  local t0=$(date +%s)
  until_true "$error_deadline" journal_has "bytes/s" || bad+=" no low-speed error within ${error_deadline}s"
  [[ -z "$bad" ]] && say "  error after $(($(date +%s) - t0)) s: $(grep -o '"error":"[^"]*bytes/s[^"]*"' "$work/root/state/journal.jsonl" 2>/dev/null | tail -1 | cut -c1-160)"
  serves "$serving" || bad+=" hello no longer serves $serving"
  # SIGTERM in the middle of the next download attempt.
  local hits; hits=$(wc -l <"$work/trickle.hits")
  poll_now
  until_true 10 bash -c "(( \$(wc -l <'$work/trickle.hits') > $hits ))" || bad+=" no second download"
  sigterm_then_fix 2.0.0
  verdict "trickling artifact server (1 byte/s)" "$bad"
}

# ---- case: a file:// artifact that is a FIFO -------------------------------------------------
case_fifo() {
  local bad=""
  mkfifo "$work/hello-3.0.0.fifo"
  commit_hello 3.0.0 "file://$work/hello-3.0.0.fifo"; poll_now
  until_true "$error_deadline" journal_has "is a FIFO" || bad+=" no FIFO error within ${error_deadline}s"
  serves "$serving" || bad+=" hello no longer serves $serving"
  poll_now
  sigterm_then_fix 3.0.0
  verdict "FIFO as a file:// artifact" "$bad"
}

# ---- case: a Git server that accepts and never answers ---------------------------------------
# The agent is pointed at a black hole; then back at the real server, with a new commit.
case_git_hang() {
  local scheme=$1 real_url=$2 bad="" port url
  port=$(free_port)
  python3 "$work/blackhole.py" "$port" "$work/blackhole-$scheme.hits" & pids+=($!)
  local hole_pid=$!
  until_true 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
  if [[ $scheme == git ]]; then url="git://127.0.0.1:$port/state.git"; else url="http://127.0.0.1:$port/cgi-bin/git/state.git"; fi
  stop_agent || bad+=" SIGTERM (before the case) not honoured"
  : >"$work/blackhole-$scheme.hits"
  local errors_before; errors_before=$(grep -c "cannot fetch the state repo" "$work/agent.log")
  start_agent "$url" || bad+=" agent did not start"
  local t0=$(date +%s)
  until_true "$git_deadline" bash -c "(( \$(grep -c 'cannot fetch the state repo' '$work/agent.log') > $errors_before ))" ||
    bad+=" no fetch error within ${git_deadline}s"
  [[ "$bad" != *"no fetch error"* ]] && say "  fetch error after $(($(date +%s) - t0)) s"
  serves "$serving" || bad+=" hello no longer serves $serving"
  # SIGTERM while a fetch hangs: wait for a fresh connection to the black hole first.
  local hits; hits=$(wc -l <"$work/blackhole-$scheme.hits")
  poll_now
  until_true 10 bash -c "(( \$(wc -l <'$work/blackhole-$scheme.hits') > $hits ))" || true
  stop_agent || bad+=" SIGTERM mid-fetch not honoured in 5 s"
  kill "$hole_pid" 2>/dev/null
  local next=$3
  commit_hello "$next"
  start_agent "$real_url" || bad+=" agent did not restart"
  until_true 30 serves "$next" && serving=$next || bad+=" fix commit not applied"
  verdict "Git server that never answers ($scheme://)" "$bad"
}

# ---- case: slowloris on the API --------------------------------------------------------------
case_slowloris() {
  local bad="" out
  python3 "$work/slowloris.py" "$api_port" 4 30 >"$work/slowloris.out" 2>&1 &
  local loris=$!
  sleep 0.5  # the 4 slow connections open (the script holds them 30 s)
  # A normal client from another address is served all along.
  until_true 3 curl -sf --max-time 2 "http://127.0.0.1:$api_port/healthz" -o /dev/null ||
    bad+=" /healthz from 127.0.0.1 not served under slowloris"
  commit_hello 6.0.0; poll_now
  until_true 30 serves 6.0.0 && serving=6.0.0 || bad+=" commit not applied under slowloris"
  wait "$loris"
  out=$(cat "$work/slowloris.out"); say "  $(tr '\n' ';' <<<"$out")"
  grep -q "extra: HTTP/1.1 429" <<<"$out" || bad+=" a 5th connection from 127.0.0.2 was not refused (429)"
  [[ $(grep -c "slow.: HTTP/1.1 408" <<<"$out") -eq 4 ]] || bad+=" slow connections not cut with 408"
  serves "$serving" || bad+=" hello no longer serves $serving"
  python3 "$work/slowloris.py" "$api_port" 4 30 >/dev/null 2>&1 &
  loris=$!
  sleep 0.5
  stop_agent || bad+=" SIGTERM under slowloris not honoured in 5 s"
  kill "$loris" 2>/dev/null; wait "$loris" 2>/dev/null
  start_agent "$http_url" || bad+=" agent did not restart"
  commit_hello 7.0.0; poll_now
  until_true 30 serves 7.0.0 && serving=7.0.0 || bad+=" fix commit not applied"
  verdict "slowloris on the API (4 connections from 127.0.0.2)" "$bad"
}

case_trickle
case_fifo
case_git_hang git "$git_url" 4.0.0
case_git_hang http "$http_url" 5.0.0
case_slowloris

stop_agent >/dev/null || true
echo "attack.sh: $held of $total cases held ($(($(date +%s%N) / 1000000 - start_ms)) ms)"
if ((${#failed_cases[@]} > 0)); then
  printf 'attack.sh: did not hold: %s\n' "${failed_cases[@]}" >&2
  echo "attack.sh: agent log: $work/agent.log (KEEP=1 keeps it)" >&2
  [[ -n "${VERBOSE:-}" ]] && tail -40 "$work/agent.log" >&2
  exit 1
fi
