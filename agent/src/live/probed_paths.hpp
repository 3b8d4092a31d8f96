#pragma once

#include "core/layout.hpp"
#include "live/live_watch.hpp"
#include "live/probe_cache.hpp"
#include "model/live.hpp"

#include <filesystem>
#include <set>
#include <string>
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
/// them (no file is read or stat'ed here). Each path says whose probe its change changes:
/// a service's own files are that service's, the services dir's entries are the services
/// they name, the state dir holds plan inputs, the root is the host's.
[[nodiscard]] std::vector<WatchedPath> probed_paths(const Layout& layout,
                                                    const Live& live,
                                                    const ProbeCache& cache);

/// The paths of probed_paths() that are `services`' own (for LiveWatch::watch_services).
[[nodiscard]] std::vector<WatchedPath> probed_paths_of(const Layout& layout,
                                                       const Live& live,
                                                       const ProbeCache& cache,
                                                       const std::set<std::string>& services);

}  // namespace tether
