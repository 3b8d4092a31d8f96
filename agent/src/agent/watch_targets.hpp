#pragma once

#include "core/layout.hpp"
#include "health/health_watch.hpp"
#include "model/desired.hpp"
#include "model/live.hpp"

#include <map>
#include <string>

namespace tether {

/// What the health watch probes after a pass: every service of `desired` whose serving record
/// has a health probe and that runs as it passed its gate (its exec process up, its container
/// running, with the serving record's fingerprint). A service that runs anything else is the
/// planner's business (restart, reconfigure, repair), not the watch's.
[[nodiscard]] std::map<std::string, WatchTarget> watch_targets(const Layout& layout,
                                                               const Desired& desired,
                                                               const Live& live);

}  // namespace tether
