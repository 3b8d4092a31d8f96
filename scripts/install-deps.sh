#!/usr/bin/env bash
# Installs the Debian packages tether needs to build, test and run its demo.
# Idempotent: packages already present are not downloaded again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git clang-format-14
  libgit2-dev libyaml-cpp-dev libssl-dev libspdlog-dev libfmt-dev
  libboost-dev libboost-filesystem-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcurl4-openssl-dev libarchive-dev libcpp-httplib-dev libcli11-dev nlohmann-json3-dev
  python3 python3-jsonschema python3-yaml curl ca-certificates busybox prometheus
  time  # scripts/bench.sh: peak RSS of a command (GNU time %M)
  file groff-base  # the .deb: CPack's shlibdeps needs file; the man page test needs groff
  podman runc catatonit docker-registry docker.io  # container services (#4)
  clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer
  openssh-server openssh-client openssl nginx-light fcgiwrap  # private state repos (#19)
  age  # encrypted config files (#23): the agent decrypts with the age CLI; tests and docs encrypt
  haproxy socat wrk hey  # blue-green (docs/zero-downtime.md): the proxy tether drives, its CLI, load
  # (hey: Go net/http, the retrying keep-alive client of scripts/bench-switch.sh beside wrk)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
