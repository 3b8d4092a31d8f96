#!/usr/bin/env bash
# The Debian package: built by CPack from an already built tree (no second compile), installed
# with dpkg -i, then used from its installed paths: tether --version, the man page, the unit
# file (systemd-analyze verify), the conffile, the schemas, tether validate on the installed
# example state repo, and tether init. Removed and purged at the end (also on failure).
# usage: deb_test.sh BUILD_DIR VERSION build      builds and inspects the package (BUILD_DIR/deb-test)
#        deb_test.sh BUILD_DIR VERSION install    installs, uses and purges it
# Two steps because only the second must run alone (CTest RUN_SERIAL: while the package is
# installed, /etc/tether/agent.yaml is every tether command's default config); CPack's strip
# and shlibdeps run beside the other tests. Needs root and dpkg; exit 77 (skipped) otherwise.
set -euo pipefail
build=$1
version=$2
step=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
pkg="$build/deb-test"
deb="$pkg/tether_${version}_amd64.deb"

[[ $(id -u) -eq 0 ]] || { echo "SKIP: dpkg -i needs root"; exit 77; }
command -v dpkg-deb >/dev/null || { echo "SKIP: no dpkg"; exit 77; }
if dpkg-query -W -f='${Status}' tether 2>/dev/null | grep -q "installed"; then
  echo "SKIP: a tether package is already installed on this machine; not touching it"
  exit 77
fi

if [[ "$step" == build ]]; then
  rm -rf "$pkg"
  mkdir -p "$pkg"
  echo "== cpack -G DEB from $build"
  (cd "$pkg" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$pkg" >"$pkg/cpack.log") ||
    { cat "$pkg/cpack.log" >&2; fail "cpack"; }
  [[ -f "$deb" ]] || fail "no $deb: $(ls "$pkg")"
  dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
  dpkg-deb --contents "$deb" >"$pkg/contents.txt"
  for path in ./usr/bin/tether ./lib/systemd/system/tether.service ./etc/tether/agent.yaml \
    ./usr/share/man/man1/tether.1.gz ./usr/share/tether/schema/service.schema.json \
    ./usr/share/tether/schema/host.schema.json ./usr/share/tether/schema/agent.schema.json \
    ./usr/share/tether/examples/state-repo/services/hello.yaml \
    ./usr/share/tether/examples/monitoring/tether-alerts.yml ./usr/share/doc/tether/README.md; do
    grep -q " $path\$" "$pkg/contents.txt" || fail "$path is not in the package"
  done
  dpkg-deb --field "$deb" Depends | grep -q "libgit2" || fail "Depends lacks libgit2 (shlibdeps)"
  dpkg-deb --field "$deb" Description | grep -q ";" && fail "the Description has list separators"
  echo "PASS"
  exit 0
fi
[[ "$step" == install ]] || fail "unknown step '$step' (build or install)"
[[ -f "$deb" ]] || fail "no $deb: the build step (CTest package.deb_build) did not run"

work="$(mktemp -d "${TMPDIR:-/tmp}/tether-deb.XXXXXX")"
installed=0
cleanup() {
  if ((installed)); then dpkg --purge tether >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== dpkg -i"
installed=1
dpkg -i "$deb"
dpkg-query -W -f='${Conffiles}\n' tether | grep -q "/etc/tether/agent.yaml" ||
  fail "/etc/tether/agent.yaml is not a conffile"
[[ "$(/usr/bin/tether --version)" == "tether $version" ]] || fail "tether --version"
[[ -x /usr/share/tether/examples/ci/set-release.sh ]] || fail "set-release.sh is not executable"

echo "== the man page renders without warnings"
zcat /usr/share/man/man1/tether.1.gz | groff -man -Tutf8 -ww -z 2>"$work/groff.txt"
[[ ! -s "$work/groff.txt" ]] || { cat "$work/groff.txt" >&2; fail "groff warnings"; }

echo "== systemd-analyze verify /lib/systemd/system/tether.service (works without systemd as PID 1)"
if command -v systemd-analyze >/dev/null; then
  out="$(systemd-analyze verify --man=no /lib/systemd/system/tether.service 2>&1)" ||
    fail "systemd-analyze verify: $out"
  [[ -z "$out" ]] || fail "systemd-analyze verify: $out"
else
  echo "systemd-analyze is not installed: checked by tests/unit/apply/systemd_units_test.cpp only"
fi

echo "== the installed example state repo validates; its service matches the installed schema"
cp -R /usr/share/tether/examples/state-repo "$work/state"
git -C "$work/state" init -q --initial-branch=main
git -C "$work/state" add -A
git -C "$work/state" -c user.name=t -c user.email=t@example.com commit -q -m example
/usr/bin/tether validate --repo "$work/state" HEAD
python3 - "$work/state/services/hello.yaml" /usr/share/tether/schema/service.schema.json <<'PY'
import json, sys, yaml, jsonschema
jsonschema.validate(yaml.safe_load(open(sys.argv[1])), json.load(open(sys.argv[2])))
PY

echo "== the conffile is a valid agent config (a dry run reads it)"
/usr/bin/tether run --once --dry-run --config /etc/tether/agent.yaml --repo "$work/state" \
  --root "$work/root" --host-id deb-test >"$work/dry-run.txt" 2>&1 ||
  { cat "$work/dry-run.txt" >&2; fail "tether run --dry-run --config /etc/tether/agent.yaml"; }

echo "== tether init from the installed binary"
/usr/bin/tether init "$work/new" >/dev/null
/usr/bin/tether validate --repo "$work/new" HEAD

echo "== dpkg -r keeps the edited conffile, --purge removes it"
echo "# edited" >>/etc/tether/agent.yaml
dpkg -r tether >/dev/null
[[ ! -e /usr/bin/tether ]] || fail "/usr/bin/tether left after dpkg -r"
grep -q "# edited" /etc/tether/agent.yaml || fail "dpkg -r removed the edited conffile"
dpkg --purge tether >/dev/null
installed=0
[[ ! -e /etc/tether/agent.yaml ]] || fail "/etc/tether/agent.yaml left after purge"
echo "PASS"
