#!/usr/bin/env bash
# Writes a new release into a state repo's service manifest, in place: the step of a release
# pipeline between "the build produced an artifact" and "open a pull request".
#
#   set-release.sh SERVICE_YAML VERSION COMMIT ARTIFACT_URL ARTIFACT_TGZ BINARY_PATH_IN_TGZ
#
# Computes both sha256 values itself (the archive's, and the binary's inside it), then rewrites
# spec.release.version, .commit, .artifact.url, .artifact.sha256 and .binary.sha256; every
# other line (comments, config, health, rollout) is kept as it is. The manifest must already
# declare a `release:` with those fields, as written by hand or by `tether init`'s template.
# Run `tether validate` afterwards (the state repo's CI does).
set -euo pipefail
if (($# != 6)); then
  sed -n '2,11s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
manifest=$1 version=$2 commit=$3 url=$4 archive=$5 binary=$6
[[ "$commit" =~ ^[0-9a-f]{40}$ ]] || { echo "set-release: COMMIT must be 40 hex, got $commit" >&2; exit 2; }
artifact_sha256="$(sha256sum <"$archive" | cut -d' ' -f1)"
# The member as the archive names it ("bin/web" or "./bin/web").
member="$(tar -tzf "$archive" | grep -xE "(\./)?${binary//./\\.}" | head -1)" ||
  { echo "set-release: $archive has no $binary" >&2; exit 1; }
binary_sha256="$(tar -xzOf "$archive" "$member" | sha256sum | cut -d' ' -f1)"
trap 'rm -f "$manifest.tmp"' EXIT

# Only lines inside `  release:` change; `    artifact:` and `    binary:` say which sha256.
awk -v version="$version" -v commit="$commit" -v url="$url" \
  -v artifact_sha256="$artifact_sha256" -v binary_sha256="$binary_sha256" '
  function indent(line) { match(line, /^ */); return RLENGTH }
  /^  release:/ { in_release = 1; section = ""; print; next }
  in_release && NF && indent($0) <= 2 && $0 !~ /^ *#/ { in_release = 0 }
  in_release && /^    artifact:/ { section = "artifact" }
  in_release && /^    binary:/ { section = "binary" }
  in_release && /^    version:/ { print "    version: \"" version "\""; seen["version"]++; next }
  in_release && /^    commit:/ { print "    commit: \"" commit "\""; seen["commit"]++; next }
  in_release && section == "artifact" && /^      url:/ {
    print "      url: \"" url "\""; seen["url"]++; next }
  in_release && section == "artifact" && /^      sha256:/ {
    print "      sha256: \"" artifact_sha256 "\""; seen["artifact"]++; next }
  in_release && section == "binary" && /^      sha256:/ {
    print "      sha256: \"" binary_sha256 "\""; seen["binary"]++; next }
  { print }
  END {
    if (seen["version"] != 1 || seen["commit"] != 1 || seen["url"] != 1 ||
        seen["artifact"] != 1 || seen["binary"] != 1) {
      print "set-release: expected spec.release with version, commit, artifact.url, " \
            "artifact.sha256 and binary.sha256, one each" > "/dev/stderr"
      exit 1
    }
  }' "$manifest" >"$manifest.tmp"
mv "$manifest.tmp" "$manifest"
echo "$manifest: $version ($commit) artifact sha256 $artifact_sha256, binary sha256 $binary_sha256"
