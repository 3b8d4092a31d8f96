#include "model/rollout.hpp"

#include "core/files.hpp"

namespace tether {
namespace {

std::string due_text(std::chrono::sys_seconds due_at, std::chrono::sys_seconds now) {
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(due_at - now);
  return "due at " + rfc3339_of(std::chrono::system_clock::time_point(due_at)) + " (in " +
         format_duration(Millis(left)) + ")";
}

}  // namespace

const char* to_string(WaveWait wait) {
  switch (wait) {
    case WaveWait::none:
      return "";
    case WaveWait::pause:
      return "pause";
    case WaveWait::analysis:
      return "analysis";
    case WaveWait::halted:
      return "halted";
  }
  return "";
}

std::vector<std::chrono::sys_seconds> wave_due_times(const std::vector<RolloutStep>& steps,
                                                     WaveClockStart start) {
  std::vector<std::chrono::sys_seconds> out;
  std::chrono::sys_seconds due = start;
  for (const RolloutStep& step : steps) {
    out.push_back(due);
    due += std::chrono::duration_cast<std::chrono::seconds>(step.pause);
  }
  return out;
}

WaveStatus wave_status(int bucket,
                       const std::vector<RolloutStep>& steps,
                       WaveClockStart start,
                       std::chrono::sys_seconds now,
                       const FleetJudgement& fleet) {
  WaveStatus status;
  status.waves = static_cast<int>(steps.size());
  if (steps.empty()) return status;
  const auto due = wave_due_times(steps, start);
  size_t wave = 0;
  while (wave + 1 < steps.size() && bucket >= steps[wave].percent) ++wave;
  status.wave = static_cast<int>(wave);
  status.percent = steps[wave].percent;
  status.due_at = wave == 0 ? start : due[wave];
  status.start_in_future = start > now + k_wave_clock_skew;
  const std::string name = "wave " + std::to_string(wave + 1) + "/" + std::to_string(steps.size()) +
                           " (" + std::to_string(status.percent) + "%)";
  if (wave == 0) return status;
  if (fleet.verdict == FleetVerdict::breached) {
    status.wait = WaveWait::halted;
    status.why = name + ": the rollout is halted, the fleet analysis breached (" + fleet.reason +
                 "); revert or fix the release in the state repo";
    return status;
  }
  if (now < status.due_at) {
    status.wait = WaveWait::pause;
    status.why = name + " " + due_text(status.due_at, now);
    if (status.start_in_future) {
      status.why += "; the release's commit time is ahead of this host's clock by more than " +
                    format_duration(Millis(k_wave_clock_skew)) +
                    ": check the committer's and this host's clocks";
    }
    return status;
  }
  if (fleet.verdict == FleetVerdict::unknown) {
    status.wait = WaveWait::analysis;
    status.why = name + " is due but waits for the fleet analysis: " + fleet.reason;
  }
  return status;
}

}  // namespace tether
