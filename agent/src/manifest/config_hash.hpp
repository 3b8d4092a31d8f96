#pragma once

#include "model/shared_paths.hpp"

#include <map>
#include <string>

namespace tether {

/// docs/design.md's config hash: SHA-256 of the sorted lines "<target>\0<sha256 of content>\n".
/// `files` maps target path -> content; the map's order is the sort order.
[[nodiscard]] std::string config_hash(const std::map<std::string, std::string>& files);

/// The same hash from already computed per-file digests (target -> sha256 hex), as the live
/// probe has them.
[[nodiscard]] std::string config_hash_of_digests(const std::map<std::string, std::string>& digests);

/// The config hash of a binary release with `spec.shared` (issue #23): the same lines, with one
/// more per shared path, "<path>\0shared-dir\n" or "<path>\0shared-file\n", in the same sort.
/// A change to the shared list is then a new release dir with the new links, built beside the
/// live one and switched like a config change. Without shared paths it is config_hash_of_digests.
[[nodiscard]] std::string config_hash_with_shared(const std::map<std::string, std::string>& digests,
                                                  const SharedPaths& shared);

}  // namespace tether
