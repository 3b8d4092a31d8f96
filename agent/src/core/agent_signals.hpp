#pragma once

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

}  // namespace tether
