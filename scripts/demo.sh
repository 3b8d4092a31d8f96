#!/usr/bin/env bash
# The demo: tether converges the example service from an example state repo served by a real
# git daemon, upgrades it, and then a `git revert` in the state repo rolls it back; a broken
# release is rolled back by the agent itself; then the same upgrade, revert and broken release
# go through on a second host behind HAProxy (blue-green) under load, with the failed requests
# counted.
# Everything happens in a temp dir of its own (no root needed beyond installing packages);
# it is removed at the end unless KEEP=1.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo_root"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

# Setup output (apt, cmake, the compiler) goes to a log file: the first screen a newcomer sees
# is the demo, one line per setup step. A failing step prints the end of the log.
setup_log="$repo_root/build/demo-setup.log"
mkdir -p "$repo_root/build"
: >"$setup_log"
quietly() {
  local what="$1" start=$SECONDS
  shift
  if "$@" >>"$setup_log" 2>&1; then
    printf '  %-44s ok (%d s)\n' "$what" $((SECONDS - start))
  else
    local rc=$?
    printf '  %-44s FAILED (exit %d); the end of %s:\n' "$what" "$rc" "$setup_log" >&2
    tail -n 30 "$setup_log" >&2
    exit "$rc"
  fi
}
step "Setting up (output in build/demo-setup.log)"
quietly "packages (scripts/install-deps.sh)" scripts/install-deps.sh
# TETHER=... HELLO=... scripts/demo.sh runs these binaries (a build of your own) instead.
if [[ -z "${TETHER:-}" || -z "${HELLO:-}" ]]; then
  quietly "configure (cmake --preset release)" cmake --preset release
  quietly "build tether and hello" cmake --build build/release -j "$(nproc)" --target tether hello
  TETHER="$repo_root/build/release/tether" HELLO="$repo_root/build/release/examples/hello/hello"
fi
tether="$TETHER"

work="$(mktemp -d /tmp/tether-demo.XXXXXX)"
root="$work/root"
daemon_pid="" proxy_pid="" wrk_pid=""
# shellcheck source=scripts/lib/state-repo.sh
source "$repo_root/scripts/lib/state-repo.sh"
# shellcheck source=scripts/lib/haproxy.sh
source "$repo_root/scripts/lib/haproxy.sh"
cleanup() {
  # The service outlives `tether` by design; the demo stops it so nothing is left behind.
  stop_service "$root"
  [[ -n "${root2:-}" ]] && stop_service "$root2"
  [[ -n "$wrk_pid" ]] && { kill "$wrk_pid" 2>/dev/null || true; }
  [[ -n "$proxy_pid" ]] && { kill "$proxy_pid" 2>/dev/null || true; }
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null || true
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

http_port=$(free_port 18080 18081 18082 18083)
git_port=$(free_port 19418 19419 19420 19421)

step "Building release artifacts hello 1.0.0 and 2.0.0 (scripts/make-release.sh)"
for v in 1.0.0 2.0.0; do
  build_release "$v" "$HELLO"
  echo "  $v: ${artifact[$v]} sha256 ${artifact_sha[$v]}"
done
build_release 3.0.0 "$HELLO" --broken-health
echo "  3.0.0: ${artifact[3.0.0]} (built broken on purpose: /healthz answers 500)"

step "Creating the state repo (examples/state-repo) and serving it with git daemon on :$git_port"
init_state_repo "$http_port"
start_git_daemon "$git_port"

commit() { commit_and_push "$1"; }
agent() { show "$tether" run --once --repo "$repo_url" --root "$root" --host-id demo-host "$@"; }
ask_hello() {
  for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$http_port/" 2>/dev/null && return; sleep 0.1; done
  echo "(hello does not answer)"; return 1
}

step "1. Declare hello 1.0.0 in the state repo and let the agent converge"
write_manifest 1.0.0
commit "hello 1.0.0"
agent
echo "hello answers:"; ask_hello

step "2. Release 2.0.0: the plan first (--dry-run changes nothing), then converge"
write_manifest 2.0.0
commit "hello 2.0.0"
agent --dry-run
agent
echo "hello answers:"; ask_hello

step "3. 2.0.0 is bad: roll back with git revert in the state repo (as a merged PR would)"
show git -C "$work/work" revert --no-edit HEAD
git -C "$work/work" push -q origin HEAD:main
agent --dry-run
agent
echo "hello answers:"; ask_hello

step "4. Release 3.0.0 is broken: the agent switches, the health check fails, it rolls back by itself"
write_manifest 3.0.0 -e "s|deadline: 30s|deadline: 5s|"
commit "hello 3.0.0"
agent || echo "(exit status $?: the release was rolled back and quarantined)"
echo "hello answers:"; ask_hello
# The next poll does not retry the quarantined release; it exits 1 because the host does not
# run what the repo declares (3.0.0), and says why.
agent || echo "(exit status $?: 3.0.0 stays quarantined; 1.0.0 serves until the repo is fixed)"

step "5. What the host did, and what it runs now"
show "$tether" history --root "$root"
show "$tether" status --root "$root"
if [[ "$(curl -fsS "http://127.0.0.1:$http_port/")" != "hello 1.0.0" ]]; then
  echo "demo failed: hello does not answer 1.0.0" >&2
  exit 1
fi

step "6. Under load, on a second host whose hello runs blue-green behind HAProxy (docs/zero-downtime.md)"
# wrk keeps asking through HAProxy (a new connection per request) while the same upgrade, revert
# and broken release go through: each new release starts beside the old one on the other port,
# passes its health check there, and only then gets clients; the broken one never gets any.
root2="$work/root2"
front_port=$(free_port 18090 18091 18092 18093)
blue_port=$(free_port 18094 18095 18096) green_port=$(free_port 18097 18098 18099)
start_haproxy_for "$work" "$front_port" "$blue_port"
blue_green() {
  write_manifest "$@"
  printf '  switch:\n    strategy: blue-green\n    drainTimeout: 5s\n    blueGreen:\n      ports: [%s, %s]\n      portEnv: HELLO_PORT\n      haproxy: {socket: %s, backend: app, server: live}\n' \
    "$blue_port" "$green_port" "$work/admin.sock" >>"$work/work/services/hello.yaml"
}
agent2() { "$tether" run --once --repo "$repo_url" --root "$root2" --host-id demo-host-2 "$@" 2>>"$work/agent2.log"; }
blue_green 1.0.0
commit "hello 1.0.0, blue-green behind HAProxy on :$front_port"
agent2
wrk -t1 -c4 -d1h -H "Connection: close" -s "$repo_root/scripts/lib/count-broken.lua" \
  "http://127.0.0.1:$front_port/" -- 3.0.0 >"$work/wrk.out" 2>&1 &
wrk_pid=$!
sleep 1
blue_green 2.0.0
commit "hello 2.0.0"
agent2 && echo "  upgraded to 2.0.0"
show git -C "$work/work" revert --no-edit HEAD
git -C "$work/work" push -q origin HEAD:main
agent2 && echo "  reverted to 1.0.0"
blue_green 3.0.0 -e "s|deadline: 30s|deadline: 5s|"
commit "hello 3.0.0 (broken)"
agent2 || echo "  3.0.0 failed its health check beside 1.0.0 and was stopped; 1.0.0 never stopped serving"
sleep 1
kill -INT "$wrk_pid"
wait "$wrk_pid" || true
wrk_pid=""
# Only this step's service: the first host's hello is stopped by the cleanup.
stop_service "$root2"
kill "$proxy_pid" 2>/dev/null || true
proxy_pid=""
result=$(grep -o 'requests=.*' "$work/wrk.out" || true)
requests=$(sed -n 's/^requests=\([0-9]*\).*/\1/p' <<<"$result")
failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$result")
broken=$(sed -n 's/.*broken=\([0-9]*\).*/\1/p' <<<"$result")
echo "  requests answered: ${requests:-?}, failed: ${failed:-?}, answered by the broken 3.0.0: ${broken:-?}"
if [[ -z "$requests" || "$requests" == 0 ]]; then
  echo "demo failed: wrk measured nothing: $(tail -3 "$work/wrk.out")" >&2
  exit 1
fi

step "Demo finished: rolled back to 1.0.0 by git revert (reusing the installed release), away from a broken 3.0.0 by the agent itself, and the same under load with ${failed:-?} failed requests"
