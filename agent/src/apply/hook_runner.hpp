#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"
#include "model/release_id.hpp"
#include "model/service.hpp"
#include "process/command_runner.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tether {

/// What a hook is told about the switch, as TETHER_* environment variables.
struct HookContext {
  std::string service;
  std::optional<ReleaseId> from;
  ReleaseId to;
  std::string state_commit;
};

/// Runs `hooks.preSwitch` / `hooks.postSwitch` in the new release dir: argv as declared (a
/// relative program names a file in the release), `hooks.timeout`, TETHER_SERVICE,
/// TETHER_FROM_VERSION, TETHER_FROM_COMMIT, TETHER_TO_VERSION, TETHER_TO_COMMIT,
/// TETHER_STATE_COMMIT and TETHER_RELEASE_DIR in the environment.
class HookRunner {
 public:
  HookRunner(Layout layout, CommandRunner& runner)
      : m_layout(std::move(layout)), m_runner(runner) {}

  /// Ok when `argv` is empty (no hook) or the hook exits 0; else an Error quoting its output.
  [[nodiscard]] Status run(const char* hook_name,
                           const std::vector<std::string>& argv,
                           Millis timeout,
                           const HookContext& context) const;

  /// Migrations (#23): what `argv` printed on stdout, run as a hook is (dir, environment,
  /// timeout); an Error when it could not start, timed out or exited non-zero.
  [[nodiscard]] Result<std::string> output_of(const char* what,
                                              const std::vector<std::string>& argv,
                                              Millis timeout,
                                              const HookContext& context) const;

 private:
  [[nodiscard]] Command command_of(const std::vector<std::string>& argv,
                                   Millis timeout,
                                   const HookContext& context) const;

  Layout m_layout;
  CommandRunner& m_runner;
};

}  // namespace tether
