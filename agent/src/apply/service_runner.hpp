#pragma once

#include "apply/exec_supervisor.hpp"
#include "apply/systemd_controller.hpp"
#include "core/clock.hpp"
#include "health/health_gate.hpp"
#include "health/notify_sockets.hpp"
#include "health/probe.hpp"
#include "model/desired.hpp"

#include <string>

namespace tether {

/// Starts a service on a release dir and decides whether it came up healthy: the one place
/// that knows how a service runs (the exec supervisor, or systemd through `current`) and how
/// health is judged.
class ServiceRunner {
 public:
  ServiceRunner(Layout layout,
                const ExecSupervisor& supervisor,
                SystemdController& systemd,
                Prober& prober,
                Clock& clock,
                NotifySockets* notify = nullptr);

  /// Stops what runs, starts `releases/<dir>` (run.exec), or restarts the unit, whose
  /// ExecStart goes through `current` (run.systemd); then waits for the health gate (without a
  /// `health` spec: for the process to stay up, or the unit to be active). The Error says why
  /// it is not healthy.
  [[nodiscard]] Status bring_up(const DesiredService& desired, const std::string& dir) const;

  /// Stops the service's process (nothing running is fine). A systemd unit is left running:
  /// bring_up's restart replaces it, so the gap without service stays as short as systemd
  /// makes it.
  [[nodiscard]] Status stop(const DesiredService& desired) const;

  /// Blue-green (blue_green_switch.cpp): starts `releases/<dir>` beside the process that serves,
  /// which keeps running, with the release's port in `port_env`, recorded as the candidate
  /// (PidSlot::candidate); then gates it with the health probe pointed at `port`
  /// (model/probe_port.hpp). A candidate that fails its gate is stopped again.
  [[nodiscard]] Status bring_up_beside(const DesiredService& desired,
                                       const std::string& dir,
                                       const std::string& port_env,
                                       int port) const;

  /// Socket hand-off (socket_handoff_switch.cpp): starts `releases/<dir>` beside the process
  /// that serves, which keeps running, as the candidate (PidSlot::candidate) with `sockets`
  /// passed (LISTEN_FDS) and NOTIFY_SOCKET; then gates it on READY=1 from its own pid
  /// (health.notify; the probe of a shared port could be answered by the old process). A
  /// candidate that fails its gate is stopped again and the serving process is the notify
  /// socket's main one again.
  [[nodiscard]] Status bring_up_on_sockets(const DesiredService& desired,
                                           const std::string& dir,
                                           const PassedSockets& sockets) const;

  /// The exec supervisor, for the blue-green switch's other pid slots.
  [[nodiscard]] const ExecSupervisor& supervisor() const { return m_supervisor; }

  /// Stops the service for good (it is no longer declared here): the exec process, or the
  /// systemd unit with `systemctl stop`.
  [[nodiscard]] Status shut_down(const DesiredService& desired) const;

 private:
  Layout m_layout;
  [[nodiscard]] Status bring_up_unit(const DesiredService& desired, const std::string& unit) const;
  [[nodiscard]] Status gate(const DesiredService& desired,
                            const std::string& dir,
                            const ProcessCheck& check) const;
  [[nodiscard]] Status gate_with(const DesiredService& desired,
                                 const HealthSpec& health,
                                 const std::string& dir,
                                 const ProcessCheck& check) const;

  const ExecSupervisor& m_supervisor;
  SystemdController& m_systemd;
  Prober& m_prober;
  Clock& m_clock;
  // readiness and watchdog from the service itself (sd_notify, issue #23)
  /// `run` with NOTIFY_SOCKET (and WATCHDOG_USEC) added when the service gates on health.notify.
  [[nodiscard]] Result<ExecRun> with_notify(const DesiredService& desired,
                                            const ExecRun& run) const;
  NotifySockets* m_notify;
};

}  // namespace tether
