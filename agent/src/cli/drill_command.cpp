// `tether drill SERVICE` (#23): a timed rehearsal of one service's rollback on this host, through
// the normal health gate, ending on the release that served (apply/rollback_drill.hpp). Flags,
// wiring and output only.
#include "apply/exec_supervisor.hpp"
#include "apply/rollback_drill.hpp"
#include "apply/service_runner.hpp"
#include "apply/switch_marker.hpp"
#include "apply/switch_strategies.hpp"
#include "apply/systemd_controller.hpp"
#include "cli/commands.hpp"
#include "cli/drill_hold.hpp"
#include "cli/error_output.hpp"
#include "core/clock.hpp"
#include "core/file_lock.hpp"
#include "health/probe.hpp"
#include "manifest/field_checks.hpp"
#include "process/command_runner.hpp"

#include <cstdio>

namespace tether {
namespace {

/// As the agent: a started service must stay up this long (health checks come on top).
constexpr Millis k_start_settle{300};

/// The parts a switch is made of, wired as the agent wires them.
struct SwitchParts {
  explicit SwitchParts(const Layout& layout)
      : supervisor(layout, k_start_settle),
        prober(runner),
        systemd(runner),
        service_runner(layout, supervisor, systemd, prober, clock),
        switches(layout, service_runner) {}
  ProcessRunner runner;
  SystemClock clock;
  ExecSupervisor supervisor;
  RealProber prober;
  SystemdController systemd;
  ServiceRunner service_runner;
  BuiltInSwitchStrategies switches;
};

std::string seconds(Millis took) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3fs", static_cast<double>(took.count()) / 1000.0);
  return buffer;
}

}  // namespace

int drill_command(const SettingsFlags& settings, const DrillFlags& flags) {
  const char* command = "drill";
  if (const std::string expected = checks::service_name(flags.service); !expected.empty()) {
    print_error(command,
                {"'" + flags.service + "' is not a service name: expected " + expected, ""});
    return k_exit_usage;
  }
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    print_error(command, config.error());
    return k_exit_usage;
  }
  const Layout layout{config->root};
  // Refused before any hold is set: nothing is journaled for a drill that cannot run.
  if (auto refused = plan_drill(layout, flags.service); !refused) {
    print_error(command, refused.error());
    return k_exit_failed;
  }
  auto hold = DrillHold::take(layout, flags.service, flags.wait);
  if (!hold) {
    print_error(command, hold.error());
    return k_exit_failed;
  }
  // Planned again under the hold: what the agent did before it took the hold counts.
  auto plan = plan_drill(layout, flags.service);
  if (!plan) {
    print_error(command, plan.error());
    return k_exit_failed;
  }
  // The agent leaves this drill's switch marker alone while this process lives (it undoes it
  // should the drill die mid-switch).
  auto owner = FileLock::acquire(switch_owner_lock(layout, flags.service));
  if (!owner) {
    print_error(command, owner.error());
    return k_exit_locked;
  }
  SwitchParts parts(layout);
  const DrillResult result = run_drill(layout, *plan, parts.switches);
  if (Status recorded = record_drill(layout, *plan, result); !recorded) {
    print_error(command, recorded.error());
  }
  const std::string& name = flags.service;
  const std::string times = "to " + plan->previous.release.short_text() + " in " +
                            seconds(result.rollback) + ", back to " +
                            plan->serving.release.short_text() + " in " + seconds(result.back);
  if (!result.ok()) {
    print_error(command,
                {name + ": rollback drill failed (" + times + "): " + result.error,
                 "see `tether history " + name + "` and the service's log"});
    return k_exit_failed;
  }
  std::printf("%s: rollback drill passed: %s\n", name.c_str(), times.c_str());
  return k_exit_ok;
}

}  // namespace tether
