#!/usr/bin/env bash
# CPU seconds (user+sys) and object size of compiling one translation unit with the command
# recorded in a build's compile_commands.json: a figure that a loaded machine barely changes,
# unlike the wall time of a whole build (BENCHMARKS.md, "Build time and the CI budget").
#   scripts/compile-cost.sh BUILD_DIR FILE [FROM=TO]...
# FILE is matched against the end of each entry's path (e.g. apply/history_store.cpp).
# Each FROM=TO replaces one piece of the command first, e.g. ' -g = -g1 ' to try line tables
# only, or ' -Winvalid-pch -include '"$PWD"'/build/x/cmake_pch.hxx=' to drop a precompiled
# header. ccache is bypassed; the object goes to a temp file.
#   scripts/compile-cost.sh build/dev apply/history_store.cpp ' -g = -g1 '
set -euo pipefail

build=$(realpath "$1")
file=$2
shift 2
command=$(python3 - "$build/compile_commands.json" "$file" <<'EOF'
import json, sys
entries = [e for e in json.load(open(sys.argv[1])) if e["file"].endswith(sys.argv[2])]
if len(entries) != 1:
    sys.exit(f"compile-cost: {len(entries)} entries end with {sys.argv[2]}; name one file")
print(entries[0]["command"])
EOF
)
for change in "$@"; do
  from=${change%%=*}
  to=${change#*=}
  [[ "$command" == *"$from"* ]] || { echo "compile-cost: '$from' not in the command" >&2; exit 2; }
  command=${command//"$from"/$to}
done
object=$(mktemp --suffix=.o)
trap 'rm -f "$object"' EXIT
command=$(sed -E "s# -o [^ ]+ # -o $object #" <<<"$command")
cpu=$(cd "$build" && CCACHE_DISABLE=1 /usr/bin/time -f "%U %S" bash -c "$command" 2>&1 >/dev/null |
      tail -1 | awk '{printf "%.1f", $1 + $2}')
echo "$file: ${cpu} s CPU, object $(($(stat -c %s "$object") / 1024)) KiB"
