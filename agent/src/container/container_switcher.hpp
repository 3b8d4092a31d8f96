#pragma once

#include "container/container_engine.hpp"
#include "core/clock.hpp"
#include "core/layout.hpp"
#include "health/probe.hpp"
#include "model/desired.hpp"

#include <optional>
#include <string>

namespace tether {

/// What a container switch may go back to.
enum class ContainerSwitchMode {
  /// A new declaration: park the serving container and start it again if the new one fails.
  with_rollback,
  /// The same declaration again (a repair, a restart): the live container is replaced, there is
  /// nothing verified to go back to.
  replace,
};

/// How a container switch ended.
enum class ContainerSwitchEnd {
  converged,    ///< the new container is healthy and the previous one is gone
  unchanged,    ///< failed before anything live changed (pull, config files)
  rolled_back,  ///< the new container was unhealthy; the previous one was started again
  down,         ///< the new container was unhealthy and there was nothing to go back to
};

struct ContainerSwitchResult {
  ContainerSwitchEnd end = ContainerSwitchEnd::unchanged;
  std::optional<Error> failure;   ///< why it did not converge
  Status restored = ok_status();  ///< rolled_back only: whether the previous container runs
  /// The previous container's release as its labels declare it (rolled_back only).
  std::optional<ReleaseId> previous;
};

/// Replaces the container tether-<service> by one running the declared image, behind the
/// health gate: pull first (a failed pull changes nothing), stop the serving container and park
/// it as tether-<service>-prev, start the new one, check its health, then remove the parked one,
/// or on failure remove the new one and start the parked one again.
class ContainerSwitcher {
 public:
  ContainerSwitcher(Layout layout, const ContainerEngines& engines, Prober& prober, Clock& clock)
      : m_layout(std::move(layout)), m_engines(engines), m_prober(prober), m_clock(clock) {}

  [[nodiscard]] ContainerSwitchResult converge(const DesiredService& desired,
                                               const std::string& state_commit,
                                               ContainerSwitchMode mode) const;

  /// What can fail without touching a live container: the pull of the image and the config
  /// files the container mounts.
  [[nodiscard]] Result<std::vector<ConfigMount>> prepare(const DesiredService& desired) const;
  /// Error when container `name` is not healthy (or not running, without a health spec). With
  /// `port`, the probe is pointed at 127.0.0.1:`port` (a blue-green candidate's own port).
  [[nodiscard]] Status gate(const DesiredService& desired,
                            const std::string& name,
                            std::optional<int> port = std::nullopt) const;
  /// Writes what `tether status` shows of the converged container (a warning when it cannot).
  void record_converged(const DesiredService& desired, const std::string& state_commit) const;

  /// Stops and removes tether-<service> (and a parked tether-<service>-prev) under `runtime`:
  /// the service is no longer declared for this host. Nothing there is fine.
  [[nodiscard]] Status remove_service(const std::string& service, ContainerRuntime runtime) const;
  /// The engine that runs `service` (its runtime's, else the agent's default).
  [[nodiscard]] const ContainerEngine& engine_for(const Service& service) const {
    return m_engines.engine_for(service);
  }

 private:
  /// Parks the serving container; returns whether a previous container can be returned to.
  [[nodiscard]] Result<bool> park_current(const DesiredService& desired,
                                          const ContainerEngine& engine,
                                          std::optional<ReleaseId>& previous) const;
  [[nodiscard]] Status restore_previous(const std::string& service,
                                        const ContainerEngine& engine) const;

  Layout m_layout;
  const ContainerEngines& m_engines;
  Prober& m_prober;
  Clock& m_clock;
};

}  // namespace tether
