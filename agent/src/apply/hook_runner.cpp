#include "apply/hook_runner.hpp"

#include "core/log.hpp"

namespace tether {

Command HookRunner::command_of(const std::vector<std::string>& argv,
                               Millis timeout,
                               const HookContext& context) const {
  const fs::path dir = m_layout.release_dir(context.service, context.to.dir_name());
  Command command{argv, dir, {}, timeout};
  if (command.argv[0].find('/') != std::string::npos && command.argv[0].front() != '/') {
    command.argv[0] = (dir / command.argv[0]).string();
  }
  command.extra_env = {{"TETHER_SERVICE", context.service},
                       {"TETHER_FROM_VERSION", context.from ? context.from->version : ""},
                       {"TETHER_FROM_COMMIT", context.from ? context.from->commit : ""},
                       {"TETHER_TO_VERSION", context.to.version},
                       {"TETHER_TO_COMMIT", context.to.commit},
                       {"TETHER_STATE_COMMIT", context.state_commit},
                       {"TETHER_RELEASE_DIR", dir.string()}};
  return command;
}

Status HookRunner::run(const char* hook_name,
                       const std::vector<std::string>& argv,
                       Millis timeout,
                       const HookContext& context) const {
  if (argv.empty()) return ok_status();
  const Command command = command_of(argv, timeout, context);
  auto output = m_runner.run(command);
  if (!output) return output.error().with_context(context.service + ": " + hook_name + " hook");
  if (!output->timed_out && output->exit_code == 0) {
    log_info("hook passed",
             {{"service", context.service}, {"hook", hook_name}, {"to", context.to.short_text()}});
    return ok_status();
  }
  return Error{
      context.service + ": " + hook_name + " hook failed: " + describe_failure(command, *output),
      "fix the hook or the release, or revert its commit in the state repo"};
}

Result<std::string> HookRunner::output_of(const char* what,
                                          const std::vector<std::string>& argv,
                                          Millis timeout,
                                          const HookContext& context) const {
  const Command command = command_of(argv, timeout, context);
  auto output = m_runner.run(command);
  if (!output) return output.error().with_context(context.service + ": " + what);
  if (!output->timed_out && output->exit_code == 0) return std::move(output->out);
  return Error{context.service + ": " + what + " failed: " + describe_failure(command, *output),
               "fix the command in the manifest or the release"};
}

}  // namespace tether
