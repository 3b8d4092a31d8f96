#pragma once

#include "outcome.hpp"

#include <optional>

namespace hello {

/// systemd's socket activation (sd_listen_fds(3)), as tether's socket-handoff switch speaks
/// it: when LISTEN_PID is this process and LISTEN_FDS is at least 1, the listening socket it
/// was handed at fd 3 (the first; hello serves one). Unsets LISTEN_PID, LISTEN_FDS and
/// LISTEN_FDNAMES either way, so that a child does not take them for its own: call before any
/// thread starts. nullopt when nothing was handed over; a failure when fd 3 is not a listening
/// socket.
[[nodiscard]] Outcome<std::optional<int>> take_listen_fd();

}  // namespace hello
