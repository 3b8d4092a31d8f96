#pragma once

#include "core/layout.hpp"
#include "live/probe_cache.hpp"
#include "model/live.hpp"

#include <filesystem>
#include <vector>

namespace tether {

/// Every file and directory whose change could change what probe_all() returns for `live`
/// (which it returned): the services dir, each service dir (`current`, serving.json,
/// container.json) with its `releases` and `run` (the pid file) dirs, each release dir with
/// its `.tether` dir (release.json), every directory down to each file release.json vouches
/// for and that file, and the state dir (history.json); every directory before what is in
/// it, so that a path still missing is watched through the nearest directory above it (see
/// LiveWatch::watch). The service logs are not listed: a service writing its log changes
/// nothing the probe reads. The records are those `cache` holds, as probe_all() just read
/// them (no file is read or stat'ed here).
[[nodiscard]] std::vector<std::filesystem::path> probed_paths(const Layout& layout,
                                                              const Live& live,
                                                              const ProbeCache& cache);

}  // namespace tether
