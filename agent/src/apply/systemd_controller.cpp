#include "apply/systemd_controller.hpp"

#include "process/command_runner.hpp"

#include <algorithm>

namespace tether {
namespace {

constexpr int k_inactive = 3;  // LSB "program is not running", what is-active exits with

std::string command_text(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

std::string first_line(const std::string& text) {
  return text.substr(0, std::min(text.find('\n'), size_t{300}));
}

/// What to do next, judged from what systemctl said.
std::string hint_for(const std::string& unit, const std::string& err) {
  if (err.find("not been booted with systemd") != std::string::npos ||
      err.find("Failed to connect to bus") != std::string::npos) {
    return "this host does not run systemd as PID 1: use run.exec for this service, or run the "
           "agent on a systemd host";
  }
  if (err.find("not found") != std::string::npos || err.find("not loaded") != std::string::npos) {
    return "install the unit file for " + unit +
           " and run `systemctl daemon-reload` (see "
           "`systemctl list-unit-files " +
           unit + "`)";
  }
  if (err.find("Access denied") != std::string::npos ||
      err.find("authentication required") != std::string::npos) {
    return "run the agent as root, or allow it to manage " + unit + " through polkit";
  }
  return "check `systemctl status " + unit + "` and `journalctl -u " + unit + "`";
}

/// "web.service: `systemctl restart web.service` exited with status 5: <stderr line>".
Error failure(const std::vector<std::string>& argv,
              const std::string& unit,
              const CommandOutput& output) {
  std::string message = unit + ": `" + command_text(argv) + "`";
  message += output.exit_code < 0 ? " was killed by a signal"
                                  : " exited with status " + std::to_string(output.exit_code);
  const std::string& said = output.err.empty() ? output.out : output.err;
  if (!said.empty()) message += ": " + first_line(said);
  return Error{message, hint_for(unit, said)};
}

}  // namespace

SystemdController::SystemdController(CommandRunner& runner, Millis timeout)
    : m_runner(runner), m_timeout(timeout) {}

Status SystemdController::restart(const std::string& unit) { return run_checked("restart", unit); }

Status SystemdController::stop(const std::string& unit) { return run_checked("stop", unit); }

Result<bool> SystemdController::is_active(const std::string& unit) {
  const std::vector<std::string> argv = {"systemctl", "is-active", "--quiet", unit};
  auto output = run(argv, unit);
  if (!output) return output.error();
  if (output->exit_code == 0) return true;
  if (output->exit_code == k_inactive) return false;
  return failure(argv, unit, *output);
}

Status SystemdController::run_checked(const std::string& verb, const std::string& unit) {
  const std::vector<std::string> argv = {"systemctl", verb, unit};
  auto output = run(argv, unit);
  if (!output) return output.error();
  if (output->exit_code != 0) return failure(argv, unit, *output);
  return ok_status();
}

Result<CommandOutput> SystemdController::run(const std::vector<std::string>& argv,
                                             const std::string& unit) {
  const std::string text = "`" + command_text(argv) + "`";
  // A name starting with '-' would reach systemctl as an option, not a unit.
  if (unit.empty() || unit.front() == '-') {
    return Error{"\"" + unit + "\" is not a unit name: refusing to run " + text,
                 "set run.systemd to a unit such as web.service"};
  }
  auto output = m_runner.run(Command{argv, {}, {}, m_timeout});
  if (!output) {
    return Error{unit + ": cannot run " + text + ": " + output.error().message,
                 "install systemd (systemctl), or use run.exec on hosts without it"};
  }
  if (output->timed_out) {
    return Error{unit + ": " + text + " did not finish within " + format_duration(m_timeout),
                 "check `systemctl status " + unit + "` and `journalctl -u " + unit + "`"};
  }
  return output;
}

}  // namespace tether
