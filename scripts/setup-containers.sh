#!/usr/bin/env bash
# Makes podman usable on a Debian 12 host like the CI's (a Firecracker VM): crun fails there on
# the mixed cgroup layout and podman's default ulimits exceed the VM's hard limits, so podman
# needs runc, cgroupfs and lower ulimits (NOTES.md). Writes /etc/containers/containers.conf only
# when it does not exist; an existing file is left alone and checked. Idempotent.
# The e2e tests do not need this (they point CONTAINERS_CONF at a copy of their own); operators
# and anyone running `podman` by hand on such a host do.
set -euo pipefail

conf=/etc/containers/containers.conf
if [[ ! -e "$conf" ]]; then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" mkdir -p /etc/containers
  "${sudo_cmd[@]}" tee "$conf" >/dev/null <<'CONF'
# Written by tether's scripts/setup-containers.sh (runc + cgroupfs; ulimits the VM allows).
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  echo "setup-containers: wrote $conf"
elif ! grep -q '^runtime *= *"runc"' "$conf"; then
  echo "setup-containers: $conf exists without runtime = \"runc\"; podman may fail here" >&2
  echo "  (see NOTES.md: runc, cgroupfs, default_ulimits nofile=1024:1024 nproc=4096:4096)" >&2
else
  echo "setup-containers: $conf already set up"
fi
