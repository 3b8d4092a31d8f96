#pragma once

#include "apply/process_spawner.hpp"

namespace tether {

/// spawn_detached's start for a request with sockets (process_spawner.hpp): fork, then in the
/// child its own session, default signals, `null_fd`/`log_fd` as 0-2, the sockets at 3.. and
/// nothing else, LISTEN_PID set to its own pid, exec. An exec failure comes back with its
/// reason. The caller keeps ownership of `log_fd` and `null_fd`.
[[nodiscard]] Result<pid_t> spawn_with_sockets(const SpawnRequest& request,
                                               int log_fd,
                                               int null_fd);

}  // namespace tether
