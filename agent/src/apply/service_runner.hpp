#pragma once

#include "apply/exec_supervisor.hpp"
#include "core/clock.hpp"
#include "health/probe.hpp"
#include "model/desired.hpp"

#include <string>

namespace tether {

/// Starts a service on a release dir and decides whether it came up healthy: the one place
/// that knows how a service runs (exec supervisor today) and how health is judged.
class ServiceRunner {
 public:
  ServiceRunner(Layout layout, const ExecSupervisor& supervisor, Prober& prober, Clock& clock);

  /// Stops what runs, starts `releases/<dir>`, then waits for the health gate (or, without a
  /// `health` spec, only for the process to stay up). The Error says why it is not healthy.
  [[nodiscard]] Status bring_up(const DesiredService& desired, const std::string& dir) const;

  /// Stops the service's process (nothing running is fine).
  [[nodiscard]] Status stop(const DesiredService& desired) const;

 private:
  Layout m_layout;
  const ExecSupervisor& m_supervisor;
  Prober& m_prober;
  Clock& m_clock;
};

}  // namespace tether
