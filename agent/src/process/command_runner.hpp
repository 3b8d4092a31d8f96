#pragma once

#include "core/duration.hpp"
#include "core/result.hpp"
#include "model/service.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace tether {

/// One program run to completion: argv as is (no shell), with a hard timeout.
struct Command {
  std::vector<std::string> argv;      ///< argv[0] absolute, or a name looked up in PATH
  std::filesystem::path working_dir;  ///< empty: the agent's own
  StringMap extra_env;                ///< added to the agent's environment
  Millis timeout{std::chrono::seconds(30)};
  bool operator==(const Command&) const = default;
};

struct CommandOutput {
  int exit_code = -1;  ///< -1 when killed by a signal or the timeout
  std::string out;
  std::string err;
  bool timed_out = false;
};

/// Runs commands. The real one spawns processes; unit tests of code that calls systemctl
/// (which cannot run here) hand in a fake that records argv.
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  /// An Error only when the program could not be started; a non-zero exit or a timeout is a
  /// CommandOutput for the caller to judge.
  [[nodiscard]] virtual Result<CommandOutput> run(const Command& command) = 0;
};

/// CommandRunner over Boost.Process. The child gets its own process group so a timeout kills
/// everything it started; it is always reaped; output beyond 64 KiB per stream is dropped.
class ProcessRunner final : public CommandRunner {
 public:
  [[nodiscard]] Result<CommandOutput> run(const Command& command) override;
};

/// "exit status 3: <first line of stderr>" or "timed out after 5s", for error messages.
[[nodiscard]] std::string describe_failure(const Command& command, const CommandOutput& output);

}  // namespace tether
