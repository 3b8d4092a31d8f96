#pragma once

#include "container/container_commands.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"
#include "model/desired.hpp"

#include <vector>

namespace tether {

/// `<root>/services/<name>/config/<config hash>/`: a container's config files, one dir per
/// hash so the files of the serving container never change under it.
[[nodiscard]] fs::path container_config_dir(const Layout& layout,
                                            const std::string& service,
                                            const std::string& config_hash);

/// Writes the service's config files into their hash dir (built under a temp name and renamed
/// into place, so a dir that exists is complete) and says how to mount each read-only at
/// "/<target>". An existing dir is reused as it is.
[[nodiscard]] Result<std::vector<ConfigMount>> materialize_config(const Layout& layout,
                                                                  const DesiredService& desired);

}  // namespace tether
