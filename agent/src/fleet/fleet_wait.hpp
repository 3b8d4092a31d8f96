#pragma once

// The polling loop of `tether fleet wait`, with the network and the clock passed in.

#include "core/clock.hpp"
#include "fleet/fleet_reader.hpp"
#include "fleet/status_source.hpp"
#include "fleet/wait_goal.hpp"

#include <functional>
#include <string>
#include <vector>

namespace tether::fleet {

struct WaitOptions {
  Millis timeout{600'000};        ///< no poll starts after this long
  Millis interval{2'000};         ///< between polls of the fleet
  Millis request_timeout{5'000};  ///< per GET /status
  bool fail_on_quarantine = true;
};

struct WaitResult {
  WaitOutcome outcome = WaitOutcome::timed_out;
  std::vector<HostView> hosts;  ///< as the last poll saw them
  GoalProgress progress;
  int polls = 0;
  /// Why the last poll could not read the fleet (Prometheus did not answer); "" when it could.
  std::string error = {};
};

/// Reads the fleet through `reader` every `options.interval` until `goal` is met, a host
/// quarantines the release waited for (with fail_on_quarantine), or `options.timeout` passes.
/// Each read is given `request_timeout`. A read that fails is reported to `on_error` and the
/// wait goes on (the hosts and progress stay those of the last read that worked).
[[nodiscard]] WaitResult wait_for_goal(FleetReader& reader,
                                       Clock& clock,
                                       const WaitGoal& goal,
                                       const WaitOptions& options,
                                       const std::function<void(const GoalProgress&)>& on_poll,
                                       const std::function<void(const Error&)>& on_error = {});

/// Polls `targets` through `source` every `options.interval` until `goal` is met, a host
/// quarantines the release waited for (with fail_on_quarantine), or `options.timeout` passes.
/// A last poll starts at the deadline and, like every poll, may take `request_timeout`: a
/// request cut short to fit the deadline would report live agents as timed out. `on_poll` sees the
/// progress of every poll.
[[nodiscard]] WaitResult wait_for_goal(StatusSource& source,
                                       Clock& clock,
                                       const std::vector<std::string>& targets,
                                       const WaitGoal& goal,
                                       const WaitOptions& options,
                                       const std::function<void(const GoalProgress&)>& on_poll);

}  // namespace tether::fleet
