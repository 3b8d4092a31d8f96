#!/usr/bin/env bash
# The docs do what they say. Every ```sh block in docs/ is run, in page order, with the real
# tether on PATH, in a temp dir: first-state-repo.md then rollback.md in one shell (the
# rollback rehearsal continues the tutorial, against the agent it left running), the other
# pages each in a shell of their own. Every `tether <command> --flag` written anywhere in
# docs/ (code blocks and inline code) must be a flag that command's --help lists.
# usage: docs_test.sh TETHER_BIN SOURCE_DIR [PART]
#   PART: `tutorial` (first-state-repo.md + rollback.md), a page's file name (`notify.md`), or
#   `flags`; none runs them all. CTest runs each part as a test of its own (tests/CMakeLists.txt):
#   the pages wait on agents and health gates far more than they compute, so they overlap well.
set -euo pipefail
tether=$1
source="$(cd "$2" && pwd -P)"
part="${3:-all}"
docs="$source/docs"
work="$(mktemp -d "${TMPDIR:-/tmp}/tether-docs.XXXXXX")"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Whatever the pages left running: agents (each holds its root's lock) and the services they
# started. Only a process that still is what its file names is stopped: pid_max is 32768 here,
# so the pid in a stale file (a `run --once` long gone) soon belongs to somebody else, and
# killing by it once took down CI's own shell.
cleanup() {
  local f pid
  for f in "$work"/*/root/state/lock; do
    [[ -f "$f" ]] || continue
    flock -n "$f" true 2>/dev/null && continue  # not held: its agent has exited
    pid="$(grep -oE '^[0-9]+' "$f" | head -1)" || continue
    if [[ -n "$pid" && "$pid" -gt 1 ]]; then kill "$pid" 2>/dev/null || true; fi
  done
  for f in "$work"/*/root/services/*/run/exec.pid; do
    [[ -f "$f" ]] || continue
    # The record's start time (clock ticks after boot) against the process's, as tether does.
    pid="$(python3 - "$f" <<'EOF'
import json, sys
record = json.load(open(sys.argv[1]))
try:
    with open(f"/proc/{record['pid']}/stat") as stat:
        started = int(stat.read().rsplit(")", 1)[1].split()[19])
except (OSError, KeyError, ValueError):
    sys.exit(0)
if record["pid"] > 1 and started == record.get("startTime"):
    print(record["pid"])
EOF
)" || continue
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bin"
ln -s "$tether" "$work/bin/tether"

# The ```sh blocks of the given pages, in order.
blocks() { awk 'FNR == 1 { on = 0 } /^```sh$/ { on = 1; next } /^```/ { on = 0; next } on' "$@"; }

run_pages() {
  local name=$1
  shift
  mkdir -p "$work/$name"
  { echo "set -euo pipefail"; blocks "$@"; } >"$work/$name.sh"
  echo "== $name: $(grep -c . "$work/$name.sh") lines from $*"
  # TETHER_SHARE: the checkout stands in for /usr/share/tether (same examples/ layout).
  (cd "$work/$name" && PATH="$work/bin:$PATH" TETHER_SHARE="$source" bash "$work/$name.sh") \
    >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log" >&2; fail "the sh blocks of $* failed"; }
  cat "$work/$name.log"
  ran=$((ran + 1))
}
ran=0

cd "$docs"
if [[ "$part" == all || "$part" == tutorial ]]; then
  run_pages tutorial first-state-repo.md rollback.md
  grep -q "^1.0.0$" "$work/tutorial.log" || fail "the tutorial's service never answered 1.0.0"
  grep -q "^2.0.0$" "$work/tutorial.log" || fail "the rehearsal never reached 2.0.0"
  grep -q "^  web: rollback " "$work/tutorial.log" ||
    fail "the plan of the revert shows no rollback for web"
fi
for page in *.md; do
  [[ "$part" == all || "$part" == "$page" ]] || continue
  [[ "$page" == first-state-repo.md || "$page" == rollback.md ]] && continue
  # install.md's private-repo set-ups need an sshd and an HTTPS forge: tests/e2e/
  # install_doc_test.cpp runs its blocks against real ones on loopback.
  [[ "$page" == install.md ]] && continue
  [[ -n "$(blocks "$page")" ]] || continue
  run_pages "${page%.md}" "$page"
done
if [[ "$part" == all || "$part" == release-pipeline.md ]]; then
  grep -q "upgrade" "$work/release-pipeline.log" || fail "the release pipeline's plan shows no upgrade"
fi
if [[ "$part" != all && "$part" != flags ]]; then
  ((ran > 0)) || fail "no sh blocks ran for '$part' (not a docs/ page with sh blocks?)"
  echo "PASS"
  exit 0
fi

echo "== every tether flag the docs mention exists"
python3 - "$tether" "$docs"/*.md "$docs/../README.md" <<'PY'
import re, subprocess, sys
tether, pages = sys.argv[1], sys.argv[2:]
commands = {"run", "status", "history", "releases", "retry", "suspend", "resume", "plan", "revert", "validate",
            "init", "fleet", "drill"}
helps, bad, seen = {}, [], 0
for page in pages:
    text = open(page).read()
    # Join continuation lines, then look at every `tether CMD ...` up to the end of the line
    # or the closing backtick.
    text = re.sub(r"\\\n\s*", " ", text)
    for m in re.finditer(r"\btether (fleet (?:status|wait|plan)|[a-z]+)([^`\n|#]*)", text):
        cmd, rest = m.group(1), m.group(2)
        if cmd.split()[0] not in commands:
            continue
        if cmd not in helps:
            helps[cmd] = subprocess.run([tether, *cmd.split(), "--help"], capture_output=True,
                                        text=True).stdout
        for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b", rest):
            seen += 1
            if not re.search(r"(^|[\s,])" + re.escape(flag) + r"\b", helps[cmd]):
                bad.append(f"{page}: tether {cmd} {flag}")
if bad:
    sys.exit("flags not in --help:\n  " + "\n  ".join(sorted(set(bad))))
print(f"{seen} flags checked")
PY
echo "PASS"
