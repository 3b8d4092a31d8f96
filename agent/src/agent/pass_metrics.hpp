#pragma once

#include "agent/reconciler.hpp"
#include "api/metrics.hpp"
#include "model/history.hpp"

namespace tether {

/// What a pass tells the metrics: timing, outcome and what is live afterwards. `history` is the
/// store as the applier left it: quarantines outlive passes and restarts, so they are read
/// back from it rather than from the pass. No I/O or clock.
[[nodiscard]] PassMetrics metrics_of(const PassResult& result,
                                     double duration_seconds,
                                     double finished_unix_seconds,
                                     const History& history);

}  // namespace tether
