#include "health/notify_state.hpp"

#include "core/duration.hpp"

namespace tether {
namespace {

std::string with_status(std::string text, const NotifyState& state) {
  if (!state.status.empty()) text += " (STATUS=" + state.status + ")";
  return text;
}

}  // namespace

NotifyState started_state(SteadyTime now) {
  NotifyState state;
  state.alive_at = now;
  return state;
}

NotifyState adopted_state(SteadyTime now) {
  NotifyState state = started_state(now);
  state.ready = true;
  return state;
}

void apply_message(NotifyState& state, const NotifyMessage& message, SteadyTime now) {
  // As systemd: the watchdog runs from readiness on, and every ping resets it.
  if (message.ready) state.ready = true;
  if (message.ready || message.watchdog_ping) state.alive_at = now;
  if (message.watchdog_trigger) state.triggered = true;
  if (message.stopping) state.stopping = true;
  if (message.status) state.status = *message.status;
}

ProbeResult judge_notify(const NotifyState& state,
                         pid_t main_pid,
                         int watchdog_sec,
                         SteadyTime now) {
  const std::string pid = "pid " + std::to_string(main_pid);
  if (state.triggered)
    return {false, with_status(pid + " asked for a restart with WATCHDOG=trigger", state)};
  if (!state.ready) return {false, with_status("waiting for READY=1 from " + pid, state)};
  const auto silent = std::chrono::duration_cast<Millis>(now - state.alive_at);
  if (watchdog_sec > 0 && silent > std::chrono::seconds(watchdog_sec)) {
    return {false,
            with_status("watchdog missed: no WATCHDOG=1 from " + pid + " for " +
                            format_duration(silent) + " (watchdogSec " +
                            std::to_string(watchdog_sec) + ")",
                        state)};
  }
  return {true, with_status("READY=1 from " + pid, state)};
}

}  // namespace tether
