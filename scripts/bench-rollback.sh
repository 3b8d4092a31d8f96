#!/usr/bin/env bash
# Measures how long a broken release is live before the agent has the previous one serving
# again: the time from switching `current` to the broken release until the previous release
# passed its health gate ("switch to restored"), and how much of that is beyond the health
# deadline (the price of the rollback itself). Runs the real agent against a real git daemon.
#
#   scripts/bench-rollback.sh [RUNS] [DEADLINE]     defaults: 5 runs, 2s deadline
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
runs=${1:-5}
deadline=${2:-2s}

scripts_dir="$repo_root/scripts"
"$scripts_dir/install-deps.sh" >/dev/null
cmake --preset release -S "$repo_root" >/dev/null
cmake --build "$repo_root/build/release" -j "$(nproc)" --target tether hello >/dev/null
tether="$repo_root/build/release/tether"
hello="$repo_root/build/release/examples/hello/hello"

work="$(mktemp -d /tmp/tether-bench.XXXXXX)"
root="$work/root"
daemon_pid=""
# shellcheck source=scripts/lib/state-repo.sh
source "$scripts_dir/lib/state-repo.sh"
trap 'stop_service "$root"; [[ -n "$daemon_pid" ]] && kill "$daemon_pid"; rm -rf "$work"' EXIT

init_state_repo "$(free_port 18180 18181 18182 18183)"
start_git_daemon "$(free_port 19518 19519 19520 19521)"
# Fast probes so the measurement shows the agent's overhead rather than probe spacing.
timing=(-e "s|deadline: 30s|deadline: $deadline|" -e "s|interval: 1s|interval: 100ms|")

build_release 1.0.0 "$hello"
write_manifest 1.0.0 "${timing[@]}"
commit_and_push "hello 1.0.0" >/dev/null
"$tether" run --once --repo "$repo_url" --root "$root" --host-id bench 2>/dev/null

printf '%-4s %-10s %-22s %-20s %s\n' run deadline "switch->restored (ms)" "beyond deadline (ms)" "run --once (ms)"
for i in $(seq "$runs"); do
  v="9.0.$i"
  build_release "$v" "$hello" --broken-health
  write_manifest "$v" "${timing[@]}"
  commit_and_push "broken $v" >/dev/null
  start=$(date +%s%N)
  "$tether" run --once --repo "$repo_url" --root "$root" --host-id bench --log-format json 2>"$work/log.json" || true
  end=$(date +%s%N)
  /usr/bin/python3 - "$work/log.json" "$deadline" "$i" "$(((end - start) / 1000000))" <<'PY'
import json, sys
from datetime import datetime
log, deadline, run, total = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def at(msg):
    for line in open(log):
        event = json.loads(line)
        if event["msg"] == msg:
            return datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    sys.exit(f"no '{msg}' in the agent's log: the broken release was not rolled back")
ms = lambda d: d.total_seconds() * 1000
window = ms(at("restored") - at("switched"))
limit = float(deadline[:-1]) * 1000 if deadline.endswith("s") and not deadline.endswith("ms") else float(deadline[:-2])
print(f"{run:<4} {deadline:<10} {window:<22.0f} {window - limit:<20.0f} {total}")
PY
done
echo "(hello on $state_http_port; probes every 100ms, 2 successes needed to call the restored release healthy)"
