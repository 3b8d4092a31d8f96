#pragma once

#include "health/notify_message.hpp"
#include "health/probe.hpp"

#include <chrono>
#include <string>
#include <sys/types.h>

namespace tether {

using SteadyTime = std::chrono::steady_clock::time_point;

/// What a service's main process said over its NOTIFY_SOCKET since it was started (or since
/// this agent bound the socket of a process it adopted).
struct NotifyState {
  bool ready = false;
  bool triggered = false;  ///< WATCHDOG=trigger came: unhealthy until the process is replaced
  bool stopping = false;
  std::string status;  ///< the last STATUS=
  /// The watchdog's clock: the last WATCHDOG=1 or READY=1, or when the agent bound the
  /// socket (an agent that was down must not blame the service for pings it could not hear).
  SteadyTime alive_at{};
  bool operator==(const NotifyState&) const = default;
};

/// A fresh state for a process the agent starts now: not ready, the watchdog clock at `now`.
[[nodiscard]] NotifyState started_state(SteadyTime now);

/// A process that passed its gate under an earlier agent and still runs: ready (its serving
/// record says so), the watchdog clock restarted at `now`.
[[nodiscard]] NotifyState adopted_state(SteadyTime now);

/// Counts one datagram from the main process, received at `now`.
void apply_message(NotifyState& state, const NotifyMessage& message, SteadyTime now);

/// The notify probe's answer: healthy once ready, while no WATCHDOG=trigger came and (with a
/// watchdog) the last sign of life is at most `watchdog_sec` old. `main_pid` is for the text.
[[nodiscard]] ProbeResult judge_notify(const NotifyState& state,
                                       pid_t main_pid,
                                       int watchdog_sec,
                                       SteadyTime now);

/// True when `detail` (a probe's) is judge_notify's missed watchdog or WATCHDOG=trigger: what
/// `tether_watchdog_misses_total` counts.
[[nodiscard]] bool is_watchdog_failure(const std::string& detail);

}  // namespace tether
