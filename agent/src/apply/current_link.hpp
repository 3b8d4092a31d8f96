#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"

#include <string>

namespace tether {

/// Points `<service>/current` at `releases/<dir_name>` atomically: a new symlink is made under a
/// temp name and rename(2)d over the old one, so every reader sees the old or the new target,
/// never a missing link (remove-then-link would leave a gap).
[[nodiscard]] Status switch_current(const Layout& layout,
                                    const std::string& service,
                                    const std::string& dir_name);

}  // namespace tether
