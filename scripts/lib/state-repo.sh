# Shared by scripts/demo.sh and scripts/bench-*.sh (sourced, not run): a state repo in a work
# dir, served by git daemon on loopback, with hello releases built by make-release.sh.
# Callers set: repo_root (the tether checkout) and work (a temp dir of their own).

# Prints the first port of "$@" that nothing listens on.
free_port() {
  local port
  for port in "$@"; do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port among $*" >&2
  return 1
}

# build_release VERSION BINARY [make-release flags...]: sets artifact[V], artifact_sha[V], binary_sha[V].
declare -A artifact artifact_sha binary_sha
build_release() {
  local v=$1 bin=$2 out
  shift 2
  out=$("$repo_root/scripts/make-release.sh" "$v" "$work/artifacts" --binary "$bin" "$@")
  artifact[$v]=$(sed -n 's/^artifact=//p' <<<"$out")
  artifact_sha[$v]=$(sed -n 's/^artifact_sha256=//p' <<<"$out")
  binary_sha[$v]=$(sed -n 's/^binary_sha256=//p' <<<"$out")
}

# init_state_repo HTTP_PORT: $work/git/state.git (bare) and $work/work, seeded from
# examples/state-repo with hello listening on HTTP_PORT.
init_state_repo() {
  local http_port=$1
  git init -q --bare --initial-branch=main "$work/git/state.git"
  git init -q --initial-branch=main "$work/work"
  git -C "$work/work" config user.email ops@example.com
  git -C "$work/work" config user.name "Ops"
  git -C "$work/work" remote add origin "$work/git/state.git"
  cp -r "$repo_root/examples/state-repo/." "$work/work/"
  sed -i "s/^port=.*/port=$http_port/" "$work/work/config/hello/hello.conf"
  state_http_port=$http_port
}

# start_git_daemon PORT: serves $work/git; sets daemon_pid and repo_url.
start_git_daemon() {
  local port=$1
  git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --base-path="$work/git" --export-all \
    "$work/git" >/dev/null 2>&1 &
  daemon_pid=$!
  repo_url="git://127.0.0.1:$port/state.git"
  for _ in $(seq 50); do git ls-remote "$repo_url" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "git daemon did not start on port $port" >&2
  return 1
}

# write_manifest VERSION [sed expressions...]: services/hello.yaml for a built VERSION.
write_manifest() {
  local v=$1 commit
  shift
  commit=$(printf '%s' "hello-$v" | sha1sum | cut -c1-40)  # stands in for the CI build's source commit
  sed -e "s|version: \"1.0.0\"|version: \"$v\"|" \
      -e "s|0123456789abcdef0123456789abcdef01234567|$commit|" \
      -e "s|https://artifacts.example.com/hello/hello-1.0.0.tar.gz|file://${artifact[$v]}|" \
      -e "s|1111111111111111111111111111111111111111111111111111111111111111|${artifact_sha[$v]}|" \
      -e "s|2222222222222222222222222222222222222222222222222222222222222222|${binary_sha[$v]}|" \
      -e "s|127.0.0.1:18080|127.0.0.1:$state_http_port|" \
      "$@" "$repo_root/examples/state-repo/services/hello.yaml" >"$work/work/services/hello.yaml"
}

# commit_and_push MESSAGE: commits the work tree and pushes it; prints the short log line.
commit_and_push() {
  git -C "$work/work" add -A
  git -C "$work/work" commit -qm "$1"
  git -C "$work/work" push -q origin HEAD:main
  git -C "$work/work" log --oneline -1
}

# stop_service ROOT: stops the hello service the agent started (it outlives the agent).
stop_service() {
  local pidfile="$1/services/hello/run/exec.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$pidfile")
  [[ -n "$pid" ]] && kill -TERM "-$pid" 2>/dev/null || true
}
