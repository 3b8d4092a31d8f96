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

/// metrics_of() for a pass that reused the one before it: only timing, outcome and counters,
/// for Metrics::record_repeat() (the per-service maps stay the last pass's).
[[nodiscard]] PassMetrics repeat_metrics_of(const PassResult& result,
                                            double duration_seconds,
                                            double finished_unix_seconds);

}  // namespace tether
