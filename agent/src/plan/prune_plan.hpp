#pragma once

#include "model/desired.hpp"
#include "model/history.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"

#include <optional>

namespace tether {

/// Release dirs of a binary service beyond `keepReleases` (counting every dir kept). Never
/// pruned: the live release (`current`), the declared one, the one that served before the
/// current one (what a rollback returns to) and the last one that passed its gate here.
/// Releases that failed their gate here (`history.failed_dirs`) go first, then the oldest by
/// install time.
[[nodiscard]] std::optional<PruneAction> plan_prune(const DesiredService& desired,
                                                    const LiveService& live,
                                                    const ServiceHistory& history);

}  // namespace tether
