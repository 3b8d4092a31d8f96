#include "health/probe.hpp"
#include "process/command_runner.hpp"

namespace tether {

ProbeResult probe_exec(const ExecProbe& probe,
                       Millis timeout,
                       const std::filesystem::path& release_dir,
                       CommandRunner& runner) {
  Command command{probe.command, release_dir, {}, timeout};
  // Like run.exec: a relative program path names a file in the release.
  if (command.argv[0].find('/') != std::string::npos && command.argv[0].front() != '/') {
    command.argv[0] = (release_dir / command.argv[0]).string();
  }
  auto output = runner.run(command);
  if (!output) return {false, output.error().message};
  if (!output->timed_out && output->exit_code == 0) return {true, probe.command[0] + " exited 0"};
  return {false, describe_failure(command, *output)};
}

}  // namespace tether
