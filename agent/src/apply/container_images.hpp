#pragma once

#include "container/container_engine.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"

#include <set>
#include <string>
#include <vector>

namespace tether {

/// `<root>/services/<name>/images.json`: the images a container service ran on this host,
/// oldest use first, so the ones no release needs any more can be removed (issue #23).
[[nodiscard]] fs::path image_record_path(const Layout& layout, const std::string& service);
/// The recorded images; none when the record is missing or unreadable (nothing is then pruned
/// that tether did not pull after it was written).
[[nodiscard]] std::vector<std::string> read_image_record(const Layout& layout,
                                                         const std::string& service);

/// Records `latest` as the service's newest image and removes through `engine` the images
/// plan_image_prune (plan/image_prune.hpp) leaves out: never one of `in_use` (what serves and
/// the rollback target), at most `keep` images kept besides. A removal the engine refuses (an
/// image another container uses) is logged and kept in the record for the next switch; nothing
/// here fails the switch. Returns the images removed.
std::vector<std::string> prune_container_images(const Layout& layout,
                                                const ContainerEngine& engine,
                                                const std::string& service,
                                                const std::string& latest,
                                                const std::set<std::string>& in_use,
                                                int keep);

}  // namespace tether
