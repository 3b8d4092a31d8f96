# Shared by scripts/demo.sh and scripts/bench-switch.sh (sourced, not run): HAProxy in front of
# a blue-green service, set up as docs/zero-downtime.md tells an operator to.

# start_haproxy_for DIR FRONT_PORT FIRST_BACKEND_PORT [SERVER_OPTIONS]: HAProxy listening on FRONT_PORT, backend
# `app` with one server `live` at FIRST_BACKEND_PORT, its admin socket at DIR/admin.sock (what
# the manifest's blueGreen.haproxy.socket names). Sets proxy_pid.
start_haproxy_for() {
  local dir=$1 front=$2 backend=$3 options=${4:-}
  cat >"$dir/haproxy.cfg" <<CFG
global
    stats socket $dir/admin.sock mode 600 level admin
    # DIR/haproxy.log gets the abnormal sessions only (errors, retries, redispatches): what a
    # failed request in scripts/bench-switch.sh met on the proxy's side
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    retries 3
    retry-on conn-failure empty-response
    option redispatch 1
frontend web
    bind 127.0.0.1:$front
    default_backend app
backend app
    option http-server-close
    server live 127.0.0.1:$backend $options
CFG
  haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 50); do [[ -S "$dir/admin.sock" ]] && return; sleep 0.1; done
  echo "haproxy did not start: $(cat "$dir/haproxy.log")" >&2
  return 1
}
