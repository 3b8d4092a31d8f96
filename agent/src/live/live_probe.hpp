#pragma once

#include "core/layout.hpp"
#include "live/hash_cache.hpp"
#include "model/live.hpp"

#include <string>

namespace tether {

/// Reads what is on the host for one service: the `current` link, every release dir with its
/// release.json and whether its files still match their recorded hashes, and the supervised
/// process. Never modifies anything; a service with nothing on disk yields an empty value.
/// File digests come through `hashes`, so unchanged files are not re-read on every poll.
[[nodiscard]] LiveService probe_service(const Layout& layout,
                                        const std::string& name,
                                        HashCache& hashes);

/// probe_service for every service dir under `<root>/services`.
[[nodiscard]] Live probe_all(const Layout& layout, HashCache& hashes);

}  // namespace tether
