#pragma once

#include "core/duration.hpp"

namespace tether {

/// When the daemon polls next. `unit_random` is a uniform draw from [0, 1), passed in so the
/// schedule is a pure function.
struct PollSchedule {
  Millis interval;
  int jitter_percent = 10;
  /// Longest wait after repeated failures, however long the outage.
  Millis max_backoff{std::chrono::minutes(5)};

  /// The interval spread by +-jitter so a fleet does not poll in lockstep; after
  /// `consecutive_failures` failed polls in a row, doubled that many times (capped at
  /// max_backoff, never below the interval) so a struggling Git server is not hammered.
  [[nodiscard]] Millis next(int consecutive_failures, double unit_random) const;

  /// The wait before the very first poll: a random share of the jitter window, so a fleet
  /// restarted at once (a package upgrade) does not hit the server in the same second.
  [[nodiscard]] Millis first(double unit_random) const;
};

}  // namespace tether
