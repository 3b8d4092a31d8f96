#pragma once

#include "core/result.hpp"
#include "model/service.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tether {

/// Listening sockets passed to a process as systemd's socket activation does (sd_listen_fds(3)):
/// at fds 3, 4, ... in this order, with LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID (the
/// process's own pid) in its environment.
struct PassedSockets {
  std::vector<int> fds;            ///< the agent's descriptors (close-on-exec in the agent)
  std::vector<std::string> names;  ///< one per fd: LISTEN_FDNAMES, joined with ':'
  std::string description = {};    ///< "http=127.0.0.1:8080,...", for the pid record and status
};

struct SpawnRequest {
  std::vector<std::string> argv;  ///< argv[0] must be absolute
  std::filesystem::path working_dir;
  StringMap extra_env;             ///< added to (and overriding) the agent's own environment
  std::filesystem::path log_file;  ///< stdout and stderr are appended here
  PassedSockets sockets = {};      ///< none: posix_spawn; some: fork + exec (LISTEN_PID)
};

/// Starts a process that outlives the agent: its own session and process group (so stopping it
/// reaches its children, and the agent's terminal or exit does not), stdin from /dev/null,
/// default signal mask, and no descriptors of the agent's other than 0-2. No shell is
/// involved: argv is passed as is. Returns the pid. With `sockets`, those are also passed (at
/// fds 3..) and announced in LISTEN_FDS/LISTEN_FDNAMES/LISTEN_PID: LISTEN_PID must be the
/// child's own pid, which only the child knows before its exec, so this start forks and sets it
/// there (systemd does the same) instead of using posix_spawn.
[[nodiscard]] Result<pid_t> spawn_detached(const SpawnRequest& request);

}  // namespace tether
