#include "health/health_gate.hpp"

#include "core/termination.hpp"

#include <algorithm>

namespace tether {
namespace {

Millis since(const Clock& clock, Clock::TimePoint start) {
  return std::chrono::duration_cast<Millis>(clock.now() - start);
}

/// Sleeps `duration` in short slices; false as soon as the agent is asked to stop.
bool sleep_unless_stopping(Clock& clock, Millis duration) {
  constexpr Millis k_slice{200};
  while (duration > Millis(0)) {
    if (termination_requested()) return false;
    const Millis step = std::min(duration, k_slice);
    clock.sleep_for(step);
    duration -= step;
  }
  return !termination_requested();
}

}  // namespace

HealthVerdict await_healthy(const HealthSpec& spec,
                            const std::filesystem::path& release_dir,
                            Prober& prober,
                            Clock& clock,
                            const ProcessCheck& process_check) {
  const Clock::TimePoint start = clock.now();
  HealthVerdict verdict;
  int consecutive = 0;
  std::string last_failure = "no probe ran before the deadline";
  const auto until_next_probe = [&] {
    return std::max(Millis(0), std::min(spec.interval, spec.deadline - since(clock, start)));
  };
  bool go_on = sleep_unless_stopping(clock, std::min(spec.initial_delay, spec.deadline));
  while (go_on) {
    if (const std::string gone = process_check ? process_check() : ""; !gone.empty()) {
      verdict.reason = gone;
      break;
    }
    const Millis left = spec.deadline - since(clock, start);
    if (left <= Millis(0)) {
      verdict.reason = "not healthy within " + format_duration(spec.deadline) + ": " + last_failure;
      break;
    }
    // A probe squeezed into the last few milliseconds of the window can only time out; its
    // "timed out after 2 ms" would hide the failure an operator needs to see (an HTTP 500).
    const bool cut_short = left < spec.timeout;
    const ProbeResult result = prober.probe(spec.probe, std::min(spec.timeout, left), release_dir);
    ++verdict.probes;
    if (result.healthy) {
      if (++consecutive >= spec.successes) {
        verdict.healthy = true;
        verdict.reason = result.detail;
        break;
      }
    } else {
      consecutive = 0;
      if (!cut_short || verdict.probes == 1) last_failure = result.detail;
    }
    go_on = sleep_unless_stopping(clock, until_next_probe());
  }
  if (!go_on) {
    verdict.stopping = true;
    verdict.reason = "the agent is stopping (SIGTERM) before the health check ended";
  }
  verdict.elapsed = since(clock, start);
  return verdict;
}

}  // namespace tether
