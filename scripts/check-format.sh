#!/usr/bin/env bash
# Fails (listing the files) when any C++ file is not clang-formatted. `--fix` rewrites them.
# Pinned to Debian's clang-format-14 so every machine formats alike.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

formatter=clang-format-14
command -v "$formatter" >/dev/null || { echo "check-format: $formatter not installed (scripts/install-deps.sh)" >&2; exit 2; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp')
if [[ "${1:-}" == "--fix" ]]; then
  "$formatter" -i "${files[@]}"
  exit 0
fi
# One formatter per core, each given a batch of files; a file that is not formatted makes its
# batch fail, so only failed batches are checked file by file to name the culprits.
mapfile -t bad < <(printf '%s\0' "${files[@]}" |
  xargs -0 -n 25 -P "$(nproc)" sh -c \
    '"$0" --dry-run -Werror "$@" >/dev/null 2>&1 ||
     for f in "$@"; do "$0" --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done' \
    "$formatter" | sort)
if ((${#bad[@]})); then
  printf 'check-format: not clang-formatted (run scripts/check-format.sh --fix):\n' >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files clean"
