#pragma once

#include "core/result.hpp"
#include "model/service.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tether {

struct SpawnRequest {
  std::vector<std::string> argv;  ///< argv[0] must be absolute
  std::filesystem::path working_dir;
  StringMap extra_env;             ///< added to (and overriding) the agent's own environment
  std::filesystem::path log_file;  ///< stdout and stderr are appended here
};

/// Starts a process that outlives the agent: its own session and process group (so stopping it
/// reaches its children, and the agent's terminal or exit does not), stdin from /dev/null,
/// default signal mask, and no descriptors of the agent's other than 0-2. No shell is
/// involved: argv is passed as is. Returns the pid.
[[nodiscard]] Result<pid_t> spawn_detached(const SpawnRequest& request);

}  // namespace tether
