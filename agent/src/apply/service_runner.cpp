#include "apply/service_runner.hpp"

#include "core/log.hpp"
#include "core/termination.hpp"
#include "model/probe_port.hpp"

namespace tether {
namespace {

const ExecRun* exec_of(const DesiredService& desired) {
  return desired.service.run ? std::get_if<ExecRun>(&*desired.service.run) : nullptr;
}

const SystemdRun* unit_of(const DesiredService& desired) {
  return desired.service.run ? std::get_if<SystemdRun>(&*desired.service.run) : nullptr;
}

}  // namespace

ServiceRunner::ServiceRunner(Layout layout,
                             const ExecSupervisor& supervisor,
                             SystemdController& systemd,
                             Prober& prober,
                             Clock& clock,
                             NotifySockets* notify)
    : m_layout(std::move(layout)),
      m_supervisor(supervisor),
      m_systemd(systemd),
      m_prober(prober),
      m_clock(clock),
      m_notify(notify) {}

Status ServiceRunner::stop(const DesiredService& desired) const {
  const ExecRun* exec = exec_of(desired);
  if (exec == nullptr) return ok_status();
  return m_supervisor.stop(desired.service.name, exec->stop_timeout);
}

Status ServiceRunner::shut_down(const DesiredService& desired) const {
  if (const SystemdRun* unit = unit_of(desired)) return m_systemd.stop(unit->unit);
  return stop(desired);
}

Status ServiceRunner::gate(const DesiredService& desired,
                           const std::string& dir,
                           const ProcessCheck& check) const {
  return gate_with(desired, *desired.service.health, dir, check);
}

Status ServiceRunner::gate_with(const DesiredService& desired,
                                const HealthSpec& health,
                                const std::string& dir,
                                const ProcessCheck& check) const {
  const std::string& name = desired.service.name;
  const HealthVerdict verdict =
      await_healthy(health, m_layout.release_dir(name, dir), m_prober, m_clock, check);
  log_event(verdict.healthy ? LogLevel::info : LogLevel::warn,
            verdict.healthy ? "healthy" : "unhealthy",
            {{"service", name},
             {"release", dir},
             {"probes", std::to_string(verdict.probes)},
             {"elapsed", format_duration(verdict.elapsed)},
             {"detail", verdict.reason}});
  if (verdict.healthy) return ok_status();
  if (verdict.stopping) return stop_requested_error(name + ": health check of " + dir);
  return Error{"release " + dir + " is unhealthy: " + verdict.reason,
               "fix the release or revert its commit in the state repo"};
}

Status ServiceRunner::bring_up_unit(const DesiredService& desired, const std::string& dir) const {
  const std::string& unit = unit_of(desired)->unit;
  if (Status restarted = m_systemd.restart(unit); !restarted) return restarted;
  const ProcessCheck unit_active = [&]() -> std::string {
    auto active = m_systemd.is_active(unit);
    if (!active) return active.error().message;
    return *active ? "" : unit + " is not active after the restart; see journalctl -u " + unit;
  };
  if (desired.service.health) return gate(desired, dir, unit_active);
  const std::string problem = unit_active();
  return problem.empty() ? ok_status() : Status(Error{problem, ""});
}

Status ServiceRunner::bring_up(const DesiredService& desired, const std::string& dir) const {
  if (unit_of(desired) != nullptr) return bring_up_unit(desired, dir);
  const std::string& name = desired.service.name;
  const ExecRun* exec = exec_of(desired);
  if (exec == nullptr) return Error{name + ": no run section", "set run.exec or run.systemd"};
  if (Status stopped = m_supervisor.stop(name, exec->stop_timeout); !stopped) return stopped;
  if (!desired.service.health) {
    auto started = m_supervisor.start(name, *exec, dir, desired.fingerprint);
    return started ? ok_status() : Status(started.error());
  }
  auto run = with_notify(desired, *exec);
  if (!run) return run.error();
  // The health gate watches the process from its first probe: no settle wait before it.
  auto started = m_supervisor.start(name, *run, dir, desired.fingerprint, Millis(0));
  if (!started) return started.error();
  const ProcessRecord record = *started;
  return gate(desired, dir, [&] { return m_supervisor.exit_reason(name, record); });
}

Status ServiceRunner::bring_up_beside(const DesiredService& desired,
                                      const std::string& dir,
                                      const std::string& port_env,
                                      int port) const {
  const std::string& name = desired.service.name;
  const ExecRun* exec = exec_of(desired);
  if (exec == nullptr || !desired.service.health)
    return Error{name + ": blue-green needs run.exec and a health probe",
                 "see docs/zero-downtime.md"};
  ExecRun run = *exec;
  // Ours wins over run.exec.env: the release must listen where the gate and the proxy look.
  run.env[port_env] = std::to_string(port);
  auto started = m_supervisor.start(
      name, run, dir, desired.fingerprint, Millis(0), StartSlot{PidSlot::candidate, port});
  if (!started) return started.error();
  const ProcessRecord record = *started;
  HealthSpec on_port = *desired.service.health;
  on_port.probe = with_port(on_port.probe, port);
  Status healthy =
      gate_with(desired, on_port, dir, [&] { return m_supervisor.exit_reason(name, record); });
  if (!healthy) {
    if (Status stopped = m_supervisor.stop_slot(name, PidSlot::candidate, exec->stop_timeout);
        !stopped)
      log_warn("cannot stop the unhealthy candidate",
               {{"service", name}, {"error", stopped.error().describe()}});
  }
  return healthy;
}

Status ServiceRunner::bring_up_on_sockets(const DesiredService& desired,
                                          const std::string& dir,
                                          const PassedSockets& sockets) const {
  const std::string& name = desired.service.name;
  const ExecRun* exec = exec_of(desired);
  if (exec == nullptr || !desired.service.health ||
      !std::holds_alternative<NotifyProbe>(desired.service.health->probe))
    return Error{name + ": socket-handoff needs run.exec and health.notify",
                 "see docs/zero-downtime.md"};
  auto run = with_notify(desired, *exec);
  if (!run) return run.error();
  auto started = m_supervisor.start(
      name, *run, dir, desired.fingerprint, Millis(0), StartSlot{PidSlot::candidate, 0, sockets});
  if (!started) return started.error();
  const ProcessRecord record = *started;
  Status healthy = gate(desired, dir, [&] { return m_supervisor.exit_reason(name, record); });
  if (!healthy) {
    if (Status stopped = m_supervisor.stop_slot(name, PidSlot::candidate, exec->stop_timeout);
        !stopped)
      log_warn("cannot stop the unhealthy candidate",
               {{"service", name}, {"error", stopped.error().describe()}});
    if (m_notify != nullptr) m_notify->adopt(name);
  }
  return healthy;
}

Result<ExecRun> ServiceRunner::with_notify(const DesiredService& desired,
                                           const ExecRun& run) const {
  const auto* notify = std::get_if<NotifyProbe>(&desired.service.health->probe);
  if (notify == nullptr) return run;
  if (m_notify == nullptr)
    return Error{"internal: health.notify without the agent's notify sockets", ""};
  // The socket exists before the process does: a READY=1 sent at once is queued, not lost.
  auto env = m_notify->prepare(desired.service.name, notify->watchdog_sec);
  if (!env) return env.error();
  ExecRun with = run;
  // Ours win over run.exec.env: a manifest cannot point the service at another socket.
  for (auto& [key, value] : *env) with.env[key] = value;
  return with;
}

}  // namespace tether
