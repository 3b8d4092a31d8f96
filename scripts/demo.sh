#!/usr/bin/env bash
# The demo: tether converges the example service from an example state repo served by a real
# git daemon, upgrades it, and then a `git revert` in the state repo rolls it back.
# Everything happens in a temp dir of its own (no root needed beyond installing packages);
# it is removed at the end unless KEEP=1.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo_root"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "Installing packages and building tether (release preset)"
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build build/release -j "$(nproc)" --target tether hello
tether="$repo_root/build/release/tether"

demo="$(mktemp -d /tmp/tether-demo.XXXXXX)"
root="$demo/root"
daemon_pid=""
cleanup() {
  # The service outlives `tether` by design; the demo stops it so nothing is left behind.
  if [[ -f "$root/services/hello/run/exec.pid" ]]; then
    pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$root/services/hello/run/exec.pid")
    [[ -n "$pid" ]] && kill -TERM "-$pid" 2>/dev/null || true
  fi
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null || true
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $demo"; else rm -rf "$demo"; fi
}
trap cleanup EXIT

free_port() {
  local port
  for port in "$@"; do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port among $*" >&2
  exit 1
}
http_port=$(free_port 18080 18081 18082 18083)
git_port=$(free_port 19418 19419 19420 19421)

step "Building release artifacts hello 1.0.0 and 2.0.0 (scripts/make-release.sh)"
declare -A artifact artifact_sha binary_sha
for v in 1.0.0 2.0.0; do
  out=$(scripts/make-release.sh "$v" "$demo/artifacts" --binary build/release/examples/hello/hello)
  artifact[$v]=$(sed -n 's/^artifact=//p' <<<"$out")
  artifact_sha[$v]=$(sed -n 's/^artifact_sha256=//p' <<<"$out")
  binary_sha[$v]=$(sed -n 's/^binary_sha256=//p' <<<"$out")
  echo "  $v: ${artifact[$v]} sha256 ${artifact_sha[$v]}"
done

# Writes services/hello.yaml for version $1 from the example manifest, with real digests.
write_manifest() {
  local v=$1 commit
  commit=$(printf '%s' "hello-$v" | sha1sum | cut -c1-40)  # stands in for the CI build's source commit
  sed -e "s|version: \"1.0.0\"|version: \"$v\"|" \
      -e "s|0123456789abcdef0123456789abcdef01234567|$commit|" \
      -e "s|https://artifacts.example.com/hello/hello-1.0.0.tar.gz|file://${artifact[$v]}|" \
      -e "s|1111111111111111111111111111111111111111111111111111111111111111|${artifact_sha[$v]}|" \
      -e "s|2222222222222222222222222222222222222222222222222222222222222222|${binary_sha[$v]}|" \
      -e "s|127.0.0.1:18080|127.0.0.1:$http_port|" \
      examples/state-repo/services/hello.yaml >"$demo/work/services/hello.yaml"
}

step "Creating the state repo (examples/state-repo) and serving it with git daemon on :$git_port"
git init -q --bare --initial-branch=main "$demo/git/state.git"
git init -q --initial-branch=main "$demo/work"
git -C "$demo/work" config user.email ops@example.com
git -C "$demo/work" config user.name "Ops"
git -C "$demo/work" remote add origin "$demo/git/state.git"
cp -r examples/state-repo/. "$demo/work/"
sed -i "s/^port=.*/port=$http_port/" "$demo/work/config/hello/hello.conf"
git daemon --reuseaddr --listen=127.0.0.1 --port="$git_port" --base-path="$demo/git" --export-all \
  "$demo/git" >/dev/null 2>&1 &
daemon_pid=$!
repo_url="git://127.0.0.1:$git_port/state.git"
for _ in $(seq 50); do git ls-remote "$repo_url" >/dev/null 2>&1 && break; sleep 0.1; done

commit() { git -C "$demo/work" add -A && git -C "$demo/work" commit -qm "$1" && git -C "$demo/work" push -q origin HEAD:main; git -C "$demo/work" log --oneline -1; }
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
show git -C "$demo/work" revert --no-edit HEAD
git -C "$demo/work" push -q origin HEAD:main
agent --dry-run
agent
echo "hello answers:"; ask_hello

step "4. What the host did, and what it runs now"
show "$tether" history --root "$root"
show "$tether" status --root "$root"
if [[ "$(curl -fsS "http://127.0.0.1:$http_port/")" == "hello 1.0.0" ]]; then
  step "Demo finished: rolled back to 1.0.0 by git revert, reusing the installed release"
else
  echo "demo failed: hello does not answer 1.0.0" >&2
  exit 1
fi
