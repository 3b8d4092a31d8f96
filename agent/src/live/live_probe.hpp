#pragma once

#include "core/layout.hpp"
#include "live/hash_cache.hpp"
#include "live/probe_cache.hpp"
#include "model/history.hpp"
#include "model/live.hpp"

#include <set>
#include <string>

namespace tether {

/// Reads what is on the host for one service: the `current` link, every release dir with its
/// release.json and whether its files still match their recorded hashes, and the supervised
/// process. Never modifies anything; a service with nothing on disk yields an empty value.
/// File digests come through `hashes`, so unchanged files are not re-read on every poll.
/// `history` is the agent's (state/history.json): a host last served by an agent that kept no
/// serving record has one made from the release.json of `current` when the history says that
/// release passed its gate here.
[[nodiscard]] LiveService probe_service(const Layout& layout,
                                        const std::string& name,
                                        HashCache& hashes,
                                        const History& history = {});

/// probe_service with the records parsed on earlier probes kept in `cache`.
[[nodiscard]] LiveService probe_service(const Layout& layout,
                                        const std::string& name,
                                        HashCache& hashes,
                                        const History& history,
                                        ProbeCache& cache);

/// probe_service for every service dir under `<root>/services`.
[[nodiscard]] Live probe_all(const Layout& layout, HashCache& hashes, const History& history = {});

/// probe_all for a daemon: records unchanged since an earlier probe through `cache` are not
/// parsed again and processes found alive are watched by pidfd (see ProbeCache); what the
/// services no longer use is dropped from it.
[[nodiscard]] Live probe_all(const Layout& layout,
                             HashCache& hashes,
                             const History& history,
                             ProbeCache& cache);

/// What probe_all() would return when only `services` can have changed since it returned
/// `base`: `base` with those probed again (and dropped when their dir is gone). The caller
/// vouches for the rest (agent/quiet_poll: inotify and pidfds saw nothing of theirs change).
[[nodiscard]] Live probe_services(const Layout& layout,
                                  HashCache& hashes,
                                  const History& history,
                                  ProbeCache& cache,
                                  Live base,
                                  const std::set<std::string>& services);

}  // namespace tether
