#include "fleet/fleet_wait.hpp"

#include <algorithm>

namespace tether::fleet {

WaitResult wait_for_goal(StatusSource& source,
                         Clock& clock,
                         const std::vector<std::string>& targets,
                         const WaitGoal& goal,
                         const WaitOptions& options,
                         const std::function<void(const GoalProgress&)>& on_poll) {
  const Clock::TimePoint deadline = clock.now() + options.timeout;
  WaitResult result;
  for (;;) {
    result.hosts.clear();
    for (const Reply& reply : source.fetch(targets, options.request_timeout))
      result.hosts.push_back(host_view(reply));
    ++result.polls;
    result.progress = check_goal(result.hosts, goal);
    if (on_poll) on_poll(result.progress);
    if (result.progress.met) {
      result.outcome = WaitOutcome::met;
      return result;
    }
    if (options.fail_on_quarantine && result.progress.quarantined) {
      result.outcome = WaitOutcome::quarantined;
      return result;
    }
    const Clock::TimePoint now = clock.now();
    if (now >= deadline) return result;  // timed_out
    clock.sleep_for(std::min(options.interval, std::chrono::duration_cast<Millis>(deadline - now)));
  }
}

}  // namespace tether::fleet
