#include "health/notify_state.hpp"

#include "core/duration.hpp"

namespace tether {
namespace {

constexpr const char* k_missed = "watchdog missed: ";
constexpr const char* k_trigger = " asked for a restart with WATCHDOG=trigger";

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
  if (state.triggered) return {false, with_status(pid + k_trigger, state)};
  if (!state.ready) return {false, with_status("waiting for READY=1 from " + pid, state)};
  const auto silent = std::chrono::duration_cast<Millis>(now - state.alive_at);
  if (watchdog_sec > 0 && silent > std::chrono::seconds(watchdog_sec)) {
    return {
        false,
        with_status(k_missed + ("no WATCHDOG=1 from " + pid) + " for " + format_duration(silent) +
                        " (watchdogSec " + std::to_string(watchdog_sec) + ")",
                    state)};
  }
  return {true, with_status("READY=1 from " + pid, state)};
}

bool is_watchdog_failure(const std::string& detail) {
  return detail.rfind(k_missed, 0) == 0 ||
         (detail.rfind("pid ", 0) == 0 && detail.find(k_trigger) != std::string::npos);
}

}  // namespace tether
