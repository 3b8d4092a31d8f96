#pragma once

#include "core/duration.hpp"
#include "core/result.hpp"

#include <string>
#include <vector>

namespace tether {

class CommandRunner;
struct CommandOutput;

/// Controls `run.systemd` services through systemctl, via a CommandRunner (argv, timeout, stderr
/// in errors). Every Error names the unit and the command, says how it ended (exit status and
/// the first line of stderr, or the timeout) and hints at what to check next; a host without
/// systemctl, or not booted with systemd, gets an Error saying so.
class SystemdController {
 public:
  /// `timeout` bounds each systemctl call (a restart waits for the unit's start job).
  explicit SystemdController(CommandRunner& runner, Millis timeout = std::chrono::seconds(90));

  /// `systemctl restart UNIT`: starts the unit, or stops and starts it when running.
  [[nodiscard]] Status restart(const std::string& unit);
  /// `systemctl stop UNIT`.
  [[nodiscard]] Status stop(const std::string& unit);
  /// `systemctl is-active --quiet UNIT`: exit 0 -> true; 3 (inactive, failed, activating or
  /// unknown unit) -> false; any other status, or a timeout, -> Error.
  [[nodiscard]] Result<bool> is_active(const std::string& unit);

 private:
  /// Runs `argv` (a systemctl command about `unit`); an Error only when it could not run or
  /// timed out.
  [[nodiscard]] Result<CommandOutput> run(const std::vector<std::string>& argv,
                                          const std::string& unit);
  /// Runs the command and turns any exit status but 0 into an Error.
  [[nodiscard]] Status run_checked(const std::string& verb, const std::string& unit);

  CommandRunner& m_runner;
  Millis m_timeout;
};

}  // namespace tether
