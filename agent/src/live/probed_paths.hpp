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
/// for and that file, and the state dir (history.json). Only what exists is listed: a path
/// still missing is watched through the nearest listed directory above it. The service logs
/// are not listed: a service writing its log changes nothing the probe reads.
/// The records come from `cache`, as probe_all() just read them.
[[nodiscard]] std::vector<std::filesystem::path> probed_paths(const Layout& layout,
                                                              const Live& live,
                                                              ProbeCache& cache);

}  // namespace tether
