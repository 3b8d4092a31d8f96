#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"
#include "model/desired.hpp"

#include <string>

namespace tether {

/// Builds `releases/<dir>` for a desired binary release: fetch (or reuse the cached) artifact,
/// verify its digest, unpack into a temp dir beside the target, verify the binary, place the
/// config files, write release.json, flush it all to disk and rename the dir into place.
/// A crash at any point leaves either no release dir or a complete, verified one. An existing
/// dir of the same name (a damaged release being repaired) is replaced.
[[nodiscard]] Status install_release(const Layout& layout,
                                     const DesiredService& desired,
                                     const std::string& state_commit);

/// Writes `content` to `dir/relative`, creating parents, refusing to follow any symlink on the
/// way (an artifact must not be able to redirect a config write outside its release dir).
[[nodiscard]] Status place_file_no_follow(const fs::path& dir,
                                          const std::string& relative,
                                          const std::string& content);

}  // namespace tether
