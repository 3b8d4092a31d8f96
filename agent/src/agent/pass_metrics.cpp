#include "agent/pass_metrics.hpp"

namespace tether {

PassMetrics repeat_metrics_of(const PassResult& result,
                              double duration_seconds,
                              double finished_unix_seconds) {
  PassMetrics pass;
  pass.duration_seconds = duration_seconds;
  pass.finished_unix_seconds = finished_unix_seconds;
  pass.poll_failed = result.outcome == PassOutcome::unreachable;
  pass.tip_refused = result.outcome == PassOutcome::refused;
  pass.rollbacks = result.rollbacks;
  pass.switches = result.switches;
  pass.git_polls = result.work.polls;
  pass.git_downloads = result.work.downloads;
  pass.manifests_loaded = result.work.manifests_loaded;
  pass.files_hashed = static_cast<long long>(result.work.files_hashed);
  pass.state_commit = result.state_commit;
  pass.tip_commit = result.tip_commit;
  pass.recoveries = static_cast<int>(result.recoveries.size());
  return pass;
}

PassMetrics metrics_of(const PassResult& result,
                       double duration_seconds,
                       double finished_unix_seconds,
                       const History& history) {
  PassMetrics pass = repeat_metrics_of(result, duration_seconds, finished_unix_seconds);
  pass.converged = result.converged;
  pass.healthy = result.healthy;
  for (const auto& [name, converged] : result.converged) pass.blocked[name] = false;
  for (const BlockedService& blocked : result.blocked) pass.blocked[blocked.action.service] = true;
  for (const auto& [name, service] : result.live_after) {
    if (const InstalledRelease* current = service.current()) {
      pass.live[name] = {current->id.version, current->id.commit};
    }
    if (service.process == ProcessState::running && service.process_port != 0)
      pass.traffic_port[name] = service.process_port;
  }
  for (const auto& [name, converged] : result.converged)
    pass.suspended[name] = result.suspended.count(name) != 0;
  for (const auto& [name, converged] : result.converged) pass.quarantined[name] = false;
  for (const auto& [name, service_history] : history) {
    if (!service_history.quarantine) continue;
    pass.quarantined[name] = true;
    pass.quarantined_releases[name] = {service_history.quarantine->version,
                                       service_history.quarantine->commit};
  }
  for (const auto& [name, wave] : result.waves) {
    pass.waves[name] = {wave.status.wave + 1, to_string(wave.status.wait)};
  }
  return pass;
}

}  // namespace tether
