#include "health/health_gate.hpp"

#include <algorithm>

namespace tether {
namespace {

Millis since(const Clock& clock, Clock::TimePoint start) {
  return std::chrono::duration_cast<Millis>(clock.now() - start);
}

}  // namespace

HealthVerdict await_healthy(const HealthSpec& spec,
                            const std::filesystem::path& release_dir,
                            Prober& prober,
                            Clock& clock,
                            const ProcessCheck& process_check) {
  const Clock::TimePoint start = clock.now();
  HealthVerdict verdict;
  clock.sleep_for(std::min(spec.initial_delay, spec.deadline));
  int consecutive = 0;
  std::string last_failure = "no probe ran before the deadline";
  for (;;) {
    if (const std::string gone = process_check ? process_check() : ""; !gone.empty()) {
      verdict.reason = gone;
      break;
    }
    const Millis left = spec.deadline - since(clock, start);
    if (left <= Millis(0)) {
      verdict.reason = "not healthy within " + format_duration(spec.deadline) + ": " + last_failure;
      break;
    }
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
      last_failure = result.detail;
    }
    clock.sleep_for(
        std::max(Millis(0), std::min(spec.interval, spec.deadline - since(clock, start))));
  }
  verdict.elapsed = since(clock, start);
  return verdict;
}

}  // namespace tether
