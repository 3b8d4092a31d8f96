#pragma once

#include <set>
#include <string>
#include <vector>

namespace tether {

/// What becomes of a container service's images after a switch (issue #23).
struct ImagePrune {
  std::vector<std::string> kept;     ///< the new record, oldest use first
  std::vector<std::string> removed;  ///< to remove through the engine, oldest first
  bool operator==(const ImagePrune&) const = default;
};

/// Decides which images of a container service to keep, as keepReleases does for release dirs.
/// `used` lists the images the service ran here, oldest use first; `latest` (the image just
/// switched to or tried) becomes the newest use. Every image in `in_use` (what serves now and
/// what served before it: the rollback target) is kept whatever `keep` says; the others are
/// kept newest first while fewer than `keep` are kept. Pure: no engine, no clock.
[[nodiscard]] ImagePrune plan_image_prune(const std::vector<std::string>& used,
                                          const std::string& latest,
                                          const std::set<std::string>& in_use,
                                          int keep);

}  // namespace tether
