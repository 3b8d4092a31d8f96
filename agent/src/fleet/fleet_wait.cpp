#include "fleet/fleet_wait.hpp"

#include <algorithm>

namespace tether::fleet {

WaitResult wait_for_goal(StatusSource& source,
                         Clock& clock,
                         const std::vector<std::string>& targets,
                         const WaitGoal& goal,
                         const WaitOptions& options,
                         const std::function<void(const GoalProgress&)>& on_poll) {
  AgentsReader reader(source, targets);
  return wait_for_goal(reader, clock, goal, options, on_poll);
}

WaitResult wait_for_goal(FleetReader& reader,
                         Clock& clock,
                         const WaitGoal& goal,
                         const WaitOptions& options,
                         const std::function<void(const GoalProgress&)>& on_poll,
                         const std::function<void(const Error&)>& on_error) {
  const Clock::TimePoint deadline = clock.now() + options.timeout;
  WaitResult result;
  for (;;) {
    auto hosts = reader.read(options.request_timeout);
    ++result.polls;
    result.error = hosts ? "" : hosts.error().describe();
    if (hosts) {
      result.hosts = std::move(*hosts);
      result.progress = check_goal(result.hosts, goal);
      if (on_poll) on_poll(result.progress);
    } else if (on_error) {
      on_error(hosts.error());
    }
    if (hosts && result.progress.met) {
      result.outcome = WaitOutcome::met;
      return result;
    }
    if (hosts && options.fail_on_quarantine && result.progress.quarantined) {
      result.outcome = WaitOutcome::quarantined;
      return result;
    }
    const Clock::TimePoint now = clock.now();
    if (now >= deadline) return result;  // timed_out
    clock.sleep_for(std::min(options.interval, std::chrono::duration_cast<Millis>(deadline - now)));
  }
}

}  // namespace tether::fleet
