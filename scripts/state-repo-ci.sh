#!/usr/bin/env bash
# Runs a state repo's CI locally, the steps examples/ci/ runs on a pull request:
#   1. tether validate HEAD                                  (fails the run on any error)
#   2. tether plan --from BASE_REV --to HEAD --format markdown   (the pull-request comment)
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/state-repo-ci.sh [STATE_REPO_DIR] [BASE_REV]

  STATE_REPO_DIR  a state repo (default: examples/state-repo). A Git repository of its own
                  (work tree or bare) is read as is, at its HEAD. A plain directory (such as
                  examples/state-repo, which lives inside the tether repo) is copied into a
                  temp Git repo with two commits: an empty state, then its files; the plan
                  then shows what adopting the repo does.
  BASE_REV        the revision the plan starts from (default: HEAD~1), e.g. origin/main

Environment:
  TETHER     the tether binary (default: build/dev/tether, then build/release/tether under
             the tether checkout, then `tether` on PATH)
  PLAN_HOST  also plan for this host id (tether plan --host). When the repo has no
             hosts/*.yaml and PLAN_HOST is unset, the plan is made for "example-host"
             (no labels), so that services without a selector show up.

Exit status: 0 valid and planned, 1 tether validate found errors, 2 usage, otherwise the
failing step's status (tether plan: 3 invalid revision or manifests, 4 unreadable repo).
USAGE
}

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  usage
  exit 0
fi
if (($# > 2)); then
  usage >&2
  exit 2
fi

tether_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
state_dir="${1:-$tether_root/examples/state-repo}"
base_rev="${2:-HEAD~1}"

find_tether() {
  local candidate
  if [[ -n "${TETHER:-}" ]]; then
    echo "$TETHER"
    return
  fi
  for candidate in "$tether_root/build/dev/tether" "$tether_root/build/release/tether"; do
    if [[ -x "$candidate" ]]; then
      echo "$candidate"
      return
    fi
  done
  command -v tether || {
    echo "state-repo-ci: no tether binary: build it (cmake --preset dev && cmake --build" \
      "build/dev --target tether) or set TETHER" >&2
    return 2
  }
}
tether="$(find_tether)"
if [[ ! -x "$tether" ]]; then
  echo "state-repo-ci: $tether is not an executable" >&2
  exit 2
fi
if [[ ! -d "$state_dir" ]]; then
  echo "state-repo-ci: $state_dir is not a directory" >&2
  exit 2
fi
state_dir="$(cd "$state_dir" && pwd -P)"

work=""
cleanup() { [[ -z "$work" ]] || rm -rf "$work"; }
trap cleanup EXIT

# True when DIR is a Git repository of its own, not a folder inside another one.
is_own_repo() {
  local dir=$1 top
  [[ "$(git -C "$dir" rev-parse --is-bare-repository 2>/dev/null)" == true ]] && return 0
  top="$(git -C "$dir" rev-parse --show-toplevel 2>/dev/null)" || return 1
  [[ "$(cd "$top" && pwd -P)" == "$dir" ]]
}

# Copies a plain directory into REPO (a new repo): an empty state first, then the files.
repo_from_directory() {
  local dir=$1 repo=$2
  local -a ident=(-c user.name="tether CI" -c user.email=ci@example.com -c commit.gpgsign=false)
  git init -q --initial-branch=main "$repo"
  git -C "$repo" "${ident[@]}" commit -q --allow-empty -m "empty state"
  cp -R "$dir/." "$repo/"
  git -C "$repo" add -A
  git -C "$repo" "${ident[@]}" commit -q -m "state from $dir"
}

if is_own_repo "$state_dir"; then
  repo="$state_dir"
else
  echo "state-repo-ci: $state_dir is not a Git repository of its own; using a temp copy" \
    "with two commits (empty state, then its files)" >&2
  work="$(mktemp -d "${TMPDIR:-/tmp}/state-repo-ci.XXXXXX")"
  repo="$work/state"
  repo_from_directory "$state_dir" "$repo"
fi

plan_host=()
if [[ -n "${PLAN_HOST:-}" ]]; then
  plan_host=(--host "$PLAN_HOST")
elif ! git -C "$repo" ls-tree --name-only HEAD hosts/ | grep -E '\.ya?ml$' >/dev/null; then
  echo "state-repo-ci: no hosts/*.yaml at HEAD: planning for host example-host" \
    "(set PLAN_HOST to choose another)" >&2
  plan_host=(--host example-host)
fi

echo "==> tether validate --repo $repo HEAD"
status=0
"$tether" validate --repo "$repo" HEAD || status=$?
if ((status != 0)); then
  echo "state-repo-ci: validation failed (exit status $status); no plan" >&2
  exit "$status"
fi

echo
echo "==> tether plan --repo $repo --from $base_rev --to HEAD --format markdown ${plan_host[*]}"
"$tether" plan --repo "$repo" --from "$base_rev" --to HEAD --format markdown "${plan_host[@]}"
