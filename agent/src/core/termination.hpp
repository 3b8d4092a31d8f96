#pragma once

#include "core/result.hpp"

#include <string>

namespace tether {

/// Whether SIGTERM or SIGINT is pending for this process. The agent blocks both (and SIGHUP)
/// before it starts any thread and takes them synchronously between passes; long waits inside a
/// pass (fetches, downloads, health gates, runtime commands) call this between steps and give
/// up with stop_requested_error() so that SIGTERM is honoured within seconds in every state.
/// Outside the agent (signals not blocked) a SIGTERM ends the process before this could see it.
[[nodiscard]] bool termination_requested();

/// The error a wait returns when it gave up because the agent is stopping. Its `stopping` flag
/// tells callers not to treat it as a failure of the thing waited for (no quarantine, no
/// rollback of a healthy release): a crash-safe stop, as if the agent had been killed there.
[[nodiscard]] Error stop_requested_error(const std::string& what);

}  // namespace tether
