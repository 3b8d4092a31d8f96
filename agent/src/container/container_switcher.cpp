#include "container/container_switcher.hpp"

#include "container/config_files.hpp"
#include "container/container_record.hpp"
#include "core/log.hpp"
#include "core/termination.hpp"
#include "health/health_gate.hpp"
#include "model/image_ref.hpp"
#include "model/probe_port.hpp"

namespace tether {
namespace {

/// Inspecting costs a runtime call: during the health gate, look at the container this often.
constexpr Millis k_state_check_interval{1000};
/// Without a health spec the container only has to stay up this long.
constexpr Millis k_settle{500};
/// How long a removed service's container gets to stop cleanly.
constexpr Millis k_removal_stop_timeout{std::chrono::seconds(10)};

/// "" while the container runs, else why it is not running.
std::string not_running_reason(const ContainerEngine& engine, const std::string& name) {
  auto live = engine.inspect(name);
  if (!live) return live.error().message;
  if (!*live) return "container " + name + " is gone";
  if ((*live)->running) return "";
  return "container " + name + " is " + ((*live)->status.empty() ? "not running" : (*live)->status);
}

}  // namespace

Status ContainerSwitcher::gate(const DesiredService& desired,
                               const std::string& name,
                               std::optional<int> port) const {
  const std::string& service = desired.service.name;
  const ContainerEngine& engine = m_engines.engine_for(desired.service);
  if (!desired.service.health) {
    m_clock.sleep_for(k_settle);
    const std::string reason = not_running_reason(engine, name);
    if (reason.empty()) return ok_status();
    return Error{reason, "see `" + engine.logs_command(name) + "`"};
  }
  Clock::TimePoint last_check = m_clock.now();
  const ProcessCheck still_running = [&]() -> std::string {
    if (m_clock.now() - last_check < k_state_check_interval) return "";
    last_check = m_clock.now();
    return not_running_reason(engine, name);
  };
  HealthSpec health = *desired.service.health;
  if (port) health.probe = with_port(health.probe, *port);
  const HealthVerdict verdict =
      await_healthy(health, m_layout.service_dir(service), m_prober, m_clock, still_running);
  log_event(verdict.healthy ? LogLevel::info : LogLevel::warn,
            verdict.healthy ? "healthy" : "unhealthy",
            {{"service", service},
             {"image", desired.service.container()->image},
             {"probes", std::to_string(verdict.probes)},
             {"elapsed", format_duration(verdict.elapsed)},
             {"detail", verdict.reason}});
  if (verdict.healthy) return ok_status();
  if (verdict.stopping) return stop_requested_error(service + ": health check of " + name);
  return Error{"container " + name + " (" + desired.release.short_text() +
                   ") is unhealthy: " + verdict.reason,
               "fix the image or revert its commit in the state repo"};
}

Result<bool> ContainerSwitcher::park_current(const DesiredService& desired,
                                             const ContainerEngine& engine,
                                             std::optional<ReleaseId>& previous) const {
  const std::string& service = desired.service.name;
  const std::string name = container_name_of(service);
  const std::string parked = previous_container_name_of(service);
  if (Status cleared = engine.remove(parked); !cleared) return cleared.error();
  auto current = engine.inspect(name);
  if (!current) return current.error();
  if (!*current) return false;
  const LiveContainer& live = **current;
  // Only a running container tether made is worth returning to; anything else (stopped, or
  // put there by hand) is drift and goes.
  if (!live.running || label_of(live, k_label_service) != service) {
    if (Status removed = engine.remove(name); !removed) return removed.error();
    return false;
  }
  if (Status stopped = engine.stop(name, desired.service.container()->stop_timeout); !stopped)
    return stopped.error();
  if (Status renamed = engine.rename(name, parked); !renamed) return renamed.error();
  previous =
      container_release_id(label_of(live, k_label_image), label_of(live, k_label_config_hash));
  return true;
}

Status ContainerSwitcher::restore_previous(const std::string& service,
                                           const ContainerEngine& engine) const {
  const std::string name = container_name_of(service);
  const std::string parked = previous_container_name_of(service);
  // Serve first, clean up after: every runtime call costs time (a second or more on a busy
  // host) while nothing answers, and a stop frees the ports sooner than a removal.
  if (Status stopped = engine.stop(name, Millis(0)); !stopped) return stopped;
  if (Status started = engine.start(parked); !started) return started;
  log_info("restored", {{"service", service}, {"container", parked}});
  if (Status removed = engine.remove(name); !removed) return removed;
  return engine.rename(parked, name);
}

Status ContainerSwitcher::remove_service(const std::string& service,
                                         ContainerRuntime runtime) const {
  Service named;
  named.runtime = runtime;
  const ContainerEngine& engine = m_engines.engine_for(named);
  const std::string name = container_name_of(service);
  auto live = engine.inspect(name);
  if (!live) return live.error();
  if (*live && (*live)->running) {
    // A clean stop first (the service may flush state on SIGTERM), then the removal.
    if (Status stopped = engine.stop(name, k_removal_stop_timeout); !stopped) return stopped;
  }
  if (Status removed = engine.remove(name); !removed) return removed;
  if (Status removed = engine.remove(candidate_container_name_of(service)); !removed)
    return removed;
  return engine.remove(previous_container_name_of(service));
}

Result<std::vector<ConfigMount>> ContainerSwitcher::prepare(const DesiredService& desired) const {
  const ContainerEngine& engine = m_engines.engine_for(desired.service);
  if (Status pulled = engine.pull(desired.service.container()->image); !pulled)
    return pulled.error();
  return materialize_config(m_layout, desired);
}

void ContainerSwitcher::record_converged(const DesiredService& desired,
                                         const std::string& state_commit) const {
  const std::string& service = desired.service.name;
  const ContainerRecord record{m_engines.engine_for(desired.service).runtime(),
                               desired.service.container()->image,
                               desired.release.config_hash,
                               state_commit};
  if (Status recorded = write_container_record(m_layout, service, record); !recorded)
    log_warn("cannot record the container for `tether status`",
             {{"service", service}, {"error", recorded.error().describe()}});
}

ContainerSwitchResult ContainerSwitcher::converge(const DesiredService& desired,
                                                  const std::string& state_commit,
                                                  ContainerSwitchMode mode) const {
  const std::string& service = desired.service.name;
  const ContainerEngine& engine = m_engines.engine_for(desired.service);
  ContainerSwitchResult result;
  // Everything that can fail without touching the serving container comes first.
  auto mounts = prepare(desired);
  if (!mounts) {
    result.failure = mounts.error();
    return result;
  }
  Result<bool> parked = false;
  if (mode == ContainerSwitchMode::with_rollback) {
    parked = park_current(desired, engine, result.previous);
  } else if (Status removed = engine.remove(container_name_of(service)); !removed) {
    parked = removed.error();
  }
  if (!parked) {
    result.end = ContainerSwitchEnd::down;
    result.failure = parked.error();
    return result;
  }
  const ContainerLaunch launch{service,
                               *desired.service.container(),
                               desired.release.config_hash,
                               state_commit,
                               *mounts,
                               desired.fingerprint};
  Status healthy = engine.run(launch);
  if (healthy) {
    log_info("container started",
             {{"service", service},
              {"image", desired.service.container()->image},
              {"stateCommit", state_commit}});
    healthy = gate(desired, container_name_of(service));
  }
  if (healthy) {
    result.end = ContainerSwitchEnd::converged;
    record_converged(desired, state_commit);
    if (Status removed = engine.remove(previous_container_name_of(service)); !removed)
      log_warn("cannot remove the previous container",
               {{"service", service}, {"error", removed.error().describe()}});
    return result;
  }
  result.failure = healthy.error();
  if (!*parked) {
    result.end = ContainerSwitchEnd::down;
    return result;
  }
  result.end = ContainerSwitchEnd::rolled_back;
  result.restored = restore_previous(service, engine);
  return result;
}

}  // namespace tether
