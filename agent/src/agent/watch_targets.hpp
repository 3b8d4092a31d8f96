#pragma once

#include "core/layout.hpp"
#include "health/health_watch.hpp"
#include "model/desired.hpp"
#include "model/live.hpp"

#include <map>
#include <string>

namespace tether {

/// What the health watch probes after a pass: every service of `desired` whose serving record
/// (what passed its gate) has a health probe, with that probe, whatever runs at the moment. The
/// generation is the serving fingerprint and the running instance: a restart starts the count
/// afresh.
[[nodiscard]] std::map<std::string, WatchTarget> watch_targets(const Layout& layout,
                                                               const Desired& desired,
                                                               const Live& live);

}  // namespace tether
