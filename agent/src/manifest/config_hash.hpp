#pragma once

#include <map>
#include <string>

namespace tether {

/// docs/design.md's config hash: SHA-256 of the sorted lines "<target>\0<sha256 of content>\n".
/// `files` maps target path -> content; the map's order is the sort order.
[[nodiscard]] std::string config_hash(const std::map<std::string, std::string>& files);

/// The same hash from already computed per-file digests (target -> sha256 hex), as the live
/// probe has them.
[[nodiscard]] std::string config_hash_of_digests(const std::map<std::string, std::string>& digests);

}  // namespace tether
