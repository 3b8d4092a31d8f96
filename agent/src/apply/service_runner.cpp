#include "apply/service_runner.hpp"

#include "core/log.hpp"
#include "health/health_gate.hpp"

namespace tether {
namespace {

const ExecRun* exec_of(const DesiredService& desired) {
  return desired.service.run ? std::get_if<ExecRun>(&*desired.service.run) : nullptr;
}

}  // namespace

ServiceRunner::ServiceRunner(Layout layout,
                             const ExecSupervisor& supervisor,
                             Prober& prober,
                             Clock& clock)
    : m_layout(std::move(layout)), m_supervisor(supervisor), m_prober(prober), m_clock(clock) {}

Status ServiceRunner::stop(const DesiredService& desired) const {
  const ExecRun* exec = exec_of(desired);
  if (exec == nullptr) return ok_status();
  return m_supervisor.stop(desired.service.name, exec->stop_timeout);
}

Status ServiceRunner::bring_up(const DesiredService& desired, const std::string& dir) const {
  const std::string& name = desired.service.name;
  const ExecRun* exec = exec_of(desired);
  if (exec == nullptr) {
    return Error{name + ": run.systemd is not supported by this agent build yet", "use run.exec"};
  }
  if (Status stopped = m_supervisor.stop(name, exec->stop_timeout); !stopped) return stopped;
  auto started = m_supervisor.start(name, *exec, dir);
  if (!started) return started.error();
  if (!desired.service.health) return ok_status();

  const ProcessRecord record = *started;
  const HealthVerdict verdict = await_healthy(
      *desired.service.health, m_layout.release_dir(name, dir), m_prober, m_clock, [&] {
        return m_supervisor.exit_reason(name, record);
      });
  log_event(verdict.healthy ? LogLevel::info : LogLevel::warn,
            verdict.healthy ? "healthy" : "unhealthy",
            {{"service", name},
             {"release", dir},
             {"probes", std::to_string(verdict.probes)},
             {"elapsed", format_duration(verdict.elapsed)},
             {"detail", verdict.reason}});
  if (verdict.healthy) return ok_status();
  return Error{"release " + dir + " is unhealthy: " + verdict.reason,
               "fix the release or revert its commit in the state repo"};
}

}  // namespace tether
