#!/usr/bin/env bash
# Builds the release artifact of the example service: OUTDIR/hello-VERSION.tar.gz holding exactly
# bin/hello (0755) and VERSION, byte-for-byte reproducible for the same binary and version.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/make-release.sh VERSION OUTDIR [--binary PATH] [--broken-health] [--crash-at-start]
                                [--fail-rate RATE]

Writes OUTDIR/hello-VERSION.tar.gz containing exactly:
  bin/hello   the hello executable, mode 0755
  VERSION     VERSION followed by a newline
The archive is deterministic (sorted, mtime 0, owner 0:0, gzip -n): the same binary and
VERSION always give the same sha256.

  VERSION        [A-Za-z0-9._+-]{1,64}, without ".."
  OUTDIR         created if missing
  --broken-health   add FAIL_HEALTH: this build's /healthz answers 500 (for health-check tests)
  --crash-at-start  add CRASH_AT_START: this build exits 1 at start-up
  --fail-rate RATE  add FAIL_RATE holding RATE (0 to 1): that share of GET / answers 500
                    while /healthz stays green (for metric-analysis tests)
  --binary PATH  package this hello binary instead of building one; by default the hello
                 target is built with cmake from examples/hello into build/hello-release
                 under the repository root (build output goes to stderr)

stdout is machine-readable, one key=value per line:
  artifact=/abs/path/hello-VERSION.tar.gz
  artifact_sha256=<64 hex>
  binary_path=bin/hello
  binary_sha256=<64 hex>
USAGE
}

die() {
  printf 'make-release.sh: %s\n' "$*" >&2
  exit 1
}

version=""
outdir=""
binary=""
markers=()
fail_rate=""
positional=()
while (($# > 0)); do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --binary)
      (($# >= 2)) || die "--binary needs a PATH argument (see --help)"
      binary="$2"
      shift 2
      ;;
    --binary=*)
      binary="${1#--binary=}"
      shift
      ;;
    --broken-health)
      markers+=(FAIL_HEALTH)
      shift
      ;;
    --crash-at-start)
      markers+=(CRASH_AT_START)
      shift
      ;;
    --fail-rate)
      (($# >= 2)) || die "--fail-rate needs a RATE argument such as 0.1 (see --help)"
      [[ "$2" =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || die "--fail-rate: expected a number from 0 to 1, got '$2'"
      fail_rate="$2"
      shift 2
      ;;
    --)
      shift
      positional+=("$@")
      break
      ;;
    -*)
      die "unknown option '$1' (see --help)"
      ;;
    *)
      positional+=("$1")
      shift
      ;;
  esac
done
((${#positional[@]} == 2)) || die "expected VERSION and OUTDIR, got ${#positional[@]} argument(s) (see --help)"
version="${positional[0]}"
outdir="${positional[1]}"

version_re='^[A-Za-z0-9._+-]{1,64}$'
if ! [[ "$version" =~ $version_re ]] || [[ "$version" == *..* ]]; then
  die "invalid VERSION '$version': expected [A-Za-z0-9._+-]{1,64} without '..'"
fi
[[ -n "$outdir" ]] || die "OUTDIR must not be empty"

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
repo_root="$(cd -- "$script_dir/.." && pwd -P)"

if [[ -z "$binary" ]]; then
  build_dir="$repo_root/build/hello-release"
  cmake -S "$repo_root/examples/hello" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >&2 ||
    die "cmake configure of examples/hello failed (see the output above)"
  cmake --build "$build_dir" --target hello >&2 ||
    die "building the hello target failed (see the output above)"
  binary="$build_dir/hello"
fi
[[ -f "$binary" ]] || die "binary '$binary' is not a regular file (check --binary)"
[[ -r "$binary" ]] || die "binary '$binary' is not readable"

mkdir -p -- "$outdir" || die "cannot create OUTDIR '$outdir'"
outdir="$(cd -- "$outdir" && pwd -P)"
artifact="$outdir/hello-$version.tar.gz"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/make-release.XXXXXX")"
trap 'rm -rf -- "$tmp"' EXIT

stage="$tmp/stage"
mkdir -p "$stage/bin"
install -m 0755 -- "$binary" "$stage/bin/hello"
printf '%s\n' "$version" >"$stage/VERSION"
chmod 0644 "$stage/VERSION"
members=(VERSION bin/hello)
# Deliberately broken builds, for health-check tests and demos.
for marker in "${markers[@]}"; do
  printf 'built broken on purpose\n' >"$stage/$marker"
  chmod 0644 "$stage/$marker"
  members+=("$marker")
done

if [[ -n "$fail_rate" ]]; then
  printf '%s\n' "$fail_rate" >"$stage/FAIL_RATE"
  chmod 0644 "$stage/FAIL_RATE"
  members+=(FAIL_RATE)
fi

# Members are named explicitly (no directory entries) and in byte order; the gnu format keeps
# atime/ctime out of the headers, and gzip -n leaves out the name and timestamp.
tar -C "$stage" --format=gnu --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  -cf "$tmp/hello.tar" -- "${members[@]}"
gzip -n -9 -c -- "$tmp/hello.tar" >"$tmp/hello.tar.gz"
# Renamed into place so that a reader never sees a partly written artifact.
mv -f -- "$tmp/hello.tar.gz" "$artifact.tmp.$$"
mv -f -- "$artifact.tmp.$$" "$artifact"

artifact_sha256="$(sha256sum -- "$artifact" | cut -d' ' -f1)"
binary_sha256="$(sha256sum -- "$stage/bin/hello" | cut -d' ' -f1)"
printf 'artifact=%s\n' "$artifact"
printf 'artifact_sha256=%s\n' "$artifact_sha256"
printf 'binary_path=%s\n' "bin/hello"
printf 'binary_sha256=%s\n' "$binary_sha256"
