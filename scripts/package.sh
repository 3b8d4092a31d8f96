#!/usr/bin/env bash
# Builds the Debian package of tether: build/release/tether_<version>_amd64.deb (release preset,
# without tests). Install it with `apt install ./build/release/tether_<version>_amd64.deb`.
# What goes where: cmake/packaging.cmake; tests/package/deb_test.sh installs it in CI.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo_root"
scripts/install-deps.sh >/dev/null
cmake --preset release -DTETHER_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target tether tether_man_page
(cd build/release && cpack -G DEB)
ls -1 "$repo_root"/build/release/tether_*_amd64.deb
