#pragma once

#include "core/duration.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace tether {

/// One step of `spec.rollout.steps` (docs/staged-rollout.md, "Waves"): the hosts whose bucket
/// is below `percent` take the release in this step's wave; the next wave is due `pause` later.
struct RolloutStep {
  int percent = 100;
  Millis pause{0};  ///< 0 on the last step (it has no next wave)
  bool operator==(const RolloutStep&) const = default;
};

/// What every host agrees on for a wave schedule, without talking to each other: the committer
/// time of the state-repo commit that introduced the service's current release (Unix seconds).
using WaveClockStart = std::chrono::sys_seconds;

/// The fleet-level analysis (`rollout.analysis`) over the hosts already on the new release.
enum class FleetVerdict {
  not_asked,  ///< the service has no fleet analysis, or this wave does not need it
  holds,      ///< every query holds
  breached,   ///< a query breached: the rollout halts everywhere
  unknown,    ///< it could not be made (Prometheus unreachable...): later waves wait
};

/// A fleet verdict and, unless it holds, why (the query, its value and condition).
struct FleetJudgement {
  FleetVerdict verdict = FleetVerdict::not_asked;
  std::string reason;
  bool operator==(const FleetJudgement&) const = default;
};

/// Why a host does not take its wave's release (yet).
enum class WaveWait {
  none,      ///< it takes the release
  pause,     ///< its wave is not due yet
  analysis,  ///< its wave is due but the fleet analysis could not be made
  halted,    ///< the fleet analysis breached: no later wave takes the release
};

/// "" (none), "pause", "analysis", "halted": how /status and /metrics name a wait.
[[nodiscard]] const char* to_string(WaveWait wait);

/// Where one host stands in one service's waves at `now`.
struct WaveStatus {
  int wave = 0;       ///< 0-based index into the steps: the first step whose percent > bucket
  int waves = 1;      ///< how many steps there are
  int percent = 100;  ///< that step's percent
  std::chrono::sys_seconds due_at{};  ///< start + the pauses of the steps before `wave`
  WaveWait wait = WaveWait::none;
  /// The commit time is further ahead of this host's clock than k_wave_clock_skew: a clock
  /// is wrong (the committer's or this host's). Later waves wait until it is reached.
  bool start_in_future = false;
  std::string why;  ///< one line an operator reads; empty when the host takes the release
  bool operator==(const WaveStatus&) const = default;
};

/// How far ahead of a host's clock a commit time may be before it is flagged.
inline constexpr std::chrono::seconds k_wave_clock_skew{std::chrono::minutes(5)};

/// The wave of a host with rollout `bucket` (0-99) in `steps` (validated: increasing
/// percents ending at 100) started at `start`, judged at `now` (this host's wall clock).
/// The first wave is due at once (nothing before it to wait for); wave k is due at `start` +
/// the pauses of the steps before it. A wave after the first also needs the fleet analysis not
/// to have breached (`fleet`): a breach halts every later wave, whatever its time; an analysis
/// that could not be made holds a due wave back. Pure: no clock.
[[nodiscard]] WaveStatus wave_status(int bucket,
                                     const std::vector<RolloutStep>& steps,
                                     WaveClockStart start,
                                     std::chrono::sys_seconds now,
                                     const FleetJudgement& fleet);

/// The time each wave is due, in order (steps.size() entries).
[[nodiscard]] std::vector<std::chrono::sys_seconds> wave_due_times(
    const std::vector<RolloutStep>& steps, WaveClockStart start);

}  // namespace tether
