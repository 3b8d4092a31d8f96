#pragma once

#include "core/duration.hpp"

#include <signal.h>

namespace tether {

/// SIGHUP (poll now), SIGUSR1 (the health watch asks for a pass), SIGTERM and SIGINT (stop):
/// the signals the agent takes itself, in one place (sigtimedwait between passes,
/// termination_requested() inside one).
[[nodiscard]] sigset_t agent_signals();

/// Blocks agent_signals() in the calling thread and so in every thread started after it. Called
/// first thing in main() for `tether run`: a process-directed signal goes to any thread that
/// does not block it, and in a thread started earlier (the notifier's, libcurl's resolver) its
/// default action kills the agent (issue #18: a webhook's SIGHUP did). Child processes get
/// their own mask (apply/process_spawner resets it).
void block_agent_signals();

/// Undoes block_agent_signals() for the calling thread (a dry run, which changes nothing, may
/// simply die on Ctrl-C).
void unblock_agent_signals();

/// What ended a wait between passes.
enum class AgentSignal {
  none,            ///< nothing came before the timeout
  stop,            ///< SIGTERM or SIGINT
  poll_now,        ///< SIGHUP: from an operator's kill, or the API's POST /sync
  health_changed,  ///< SIGUSR1: the health watch saw a service change
};

/// Where the daemon loop waits between passes, behind an interface so the loop is unit-tested
/// without signals or real time.
class SignalSource {
 public:
  virtual ~SignalSource() = default;
  /// Waits up to `timeout` for one of the agent's signals and takes it (it is no longer
  /// pending); AgentSignal::none when none came in time.
  [[nodiscard]] virtual AgentSignal wait(Millis timeout) = 0;
};

/// The process's own agent_signals(), taken synchronously with sigtimedwait. They must be
/// blocked (block_agent_signals()) in every thread, or the kernel may deliver them elsewhere.
class ProcessSignals final : public SignalSource {
 public:
  [[nodiscard]] AgentSignal wait(Millis timeout) override;
};

/// Sends SIGHUP to this process: the daemon loop's "poll now", as an operator's kill does
/// (the API's POST /sync).
void ask_for_poll();

/// Sends SIGUSR1 to this process: the health watch asks the loop for a pass that acts on it.
void ask_for_health_pass();

}  // namespace tether
