#include "api/metrics.hpp"

#include "api/exposition_text.hpp"

#include <algorithm>
#include <cstdio>

namespace tether {
namespace {

/// A bucket bound as people write it ("0.1", "2.5", "10").
std::string bound(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

/// A family with one sample and no labels.
void single(std::string& out,
            const char* name,
            const char* type,
            const char* help,
            const std::string& value) {
  exposition::family(out, name, type, help);
  out += std::string(name) + " " + value + "\n";
}

void counter(std::string& out, const char* name, const char* help, long long value) {
  single(out, name, "counter", help, std::to_string(value));
}

void flag(std::string& out, const char* name, const char* help, bool value) {
  single(out, name, "gauge", help, value ? "1" : "0");
}

/// A 0/1 gauge per service.
void per_service(std::string& out,
                 const char* name,
                 const char* help,
                 const std::map<std::string, bool>& values) {
  exposition::family(out, name, "gauge", help);
  for (const auto& [service, value] : values) {
    out += std::string(name) + "{service=" + exposition::label(service) + "} " +
           (value ? "1" : "0") + "\n";
  }
}

/// Waves (#21): each host's wave and what it waits for; the releases quarantined here.
void waves(std::string& out, const PassMetrics& pass) {
  exposition::family(out,
                     "tether_rollout_wave",
                     "gauge",
                     "Services rolling out in waves: this host's wave (1 is the first).");
  for (const auto& [service, wave] : pass.waves)
    out += "tether_rollout_wave{service=" + exposition::label(service) + "} " +
           std::to_string(wave.first) + "\n";
  exposition::family(out,
                     "tether_rollout_waiting",
                     "gauge",
                     "1 while this host's wave keeps the release back (reason: pause or halted).");
  for (const auto& [service, wave] : pass.waves) {
    if (wave.second.empty()) continue;
    out += "tether_rollout_waiting{service=" + exposition::label(service) +
           ",reason=" + exposition::label(wave.second) + "} 1\n";
  }
  exposition::family(out,
                     "tether_quarantined_release_info",
                     "gauge",
                     "The release of a service quarantined on this host (it failed here).");
  for (const auto& [service, release] : pass.quarantined_releases) {
    out += "tether_quarantined_release_info{service=" + exposition::label(service) +
           ",version=" + exposition::label(release.first) +
           ",commit=" + exposition::label(release.second) + "} 1\n";
  }
}

/// Rollback drills (#23): how long the last drill's switches took, when, and whether it passed.
void drills(std::string& out, const DrillRecords& records) {
  exposition::family(
      out,
      "tether_drill_seconds",
      "gauge",
      "How long the last rollback drill's switches took (tether drill): phase rollback, to the "
      "previous release, and phase return, back to the declared one, each through its gate.");
  for (const auto& [service, drill] : records) {
    out += "tether_drill_seconds{service=" + exposition::label(service) + ",phase=\"rollback\"} " +
           exposition::number(drill.rollback_seconds) + "\n";
    out += "tether_drill_seconds{service=" + exposition::label(service) + ",phase=\"return\"} " +
           exposition::number(drill.back_seconds) + "\n";
  }
  exposition::family(out,
                     "tether_drill_timestamp_seconds",
                     "gauge",
                     "When the last rollback drill of the service finished (Unix time).");
  for (const auto& [service, drill] : records) {
    out += "tether_drill_timestamp_seconds{service=" + exposition::label(service) + "} " +
           exposition::number(drill.finished_unix_seconds) + "\n";
  }
  exposition::family(
      out, "tether_drill_success", "gauge", "1 when the last rollback drill passed.");
  for (const auto& [service, drill] : records) {
    out += "tether_drill_success{service=" + exposition::label(service) + "} " +
           (drill.ok ? "1" : "0") + "\n";
  }
}

}  // namespace

void Metrics::record(const PassMetrics& pass) {
  std::lock_guard lock(m_mutex);
  m_last = pass;
  count_last();
}

void Metrics::record_repeat(PassMetrics pass) {
  std::lock_guard lock(m_mutex);
  pass.converged = std::move(m_last.converged);
  pass.quarantined = std::move(m_last.quarantined);
  pass.blocked = std::move(m_last.blocked);
  pass.healthy = std::move(m_last.healthy);
  pass.live = std::move(m_last.live);
  pass.traffic_port = std::move(m_last.traffic_port);
  pass.drills = std::move(m_last.drills);
  pass.waves = std::move(m_last.waves);
  pass.quarantined_releases = std::move(m_last.quarantined_releases);
  // The status of a pass that reused the last one is that pass's: same host, same services.
  pass.host_id = std::move(m_last.host_id);
  pass.declared = std::move(m_last.declared);
  m_last = std::move(pass);
  count_last();
}

void Metrics::count_last() {
  const PassMetrics& pass = m_last;
  m_any = true;
  ++m_passes;
  m_duration_sum += pass.duration_seconds;
  for (size_t i = 0; i < k_buckets.size(); ++i) {
    if (pass.duration_seconds <= k_buckets[i]) ++m_bucket_counts[i];
  }
  m_rollbacks_total += pass.rollbacks;
  for (const SwitchCount& done : pass.switches)
    ++m_switches_total[{done.service, done.strategy, outcome_name(done.outcome)}];
  m_recoveries_total += pass.recoveries;
  if (pass.poll_failed) ++m_poll_errors_total;
  m_git_polls_total += pass.git_polls;
  m_git_fetches_total += pass.git_downloads;
  if (pass.manifests_loaded) ++m_manifest_loads_total;
  m_files_hashed_total += pass.files_hashed;
}

void Metrics::set_health(const std::string& service, bool healthy) {
  std::lock_guard lock(m_mutex);
  const auto it = m_last.healthy.find(service);
  if (it == m_last.healthy.end()) return;
  it->second = healthy;
  if (!healthy) m_last.converged[service] = false;
  // As GET /status says it (api/status_board.hpp): converged <-> unhealthy, nothing else.
  const auto declared = m_last.declared.find(service);
  if (declared == m_last.declared.end()) return;
  std::string& state = declared->second.state;
  if (!healthy && state == "converged") state = "unhealthy";
  if (healthy && state == "unhealthy") state = "converged";
}

void Metrics::set_baking(const std::string& service) {
  std::lock_guard lock(m_mutex);
  m_last.converged[service] = false;
}

void Metrics::render_state_repo(std::string& out) const {
  exposition::family(
      out,
      "tether_state_info",
      "gauge",
      "The branch tip the last poll fetched (\"\" when unreachable) and the state commit "
      "applied; they differ while the tip is refused.");
  out += "tether_state_info{tip=" + exposition::label(m_last.tip_commit) +
         ",applied=" + exposition::label(m_last.state_commit) + "} 1\n";
  flag(out,
       "tether_state_refused",
       "1 while the branch tip is refused (invalid manifests, signature, history): the host "
       "stays on the last good state commit.",
       m_last.tip_refused);
  flag(out,
       "tether_state_unreachable",
       "1 while the last poll could not reach the state repo.",
       m_last.poll_failed);
  // The host's one verdict: a refused tip or an unreachable repo is not converged either,
  // however well its services run the last good commit.
  const bool services_converged = std::all_of(m_last.converged.begin(),
                                              m_last.converged.end(),
                                              [](const auto& entry) { return entry.second; });
  const bool host_converged = services_converged && !m_last.tip_refused && !m_last.poll_failed &&
                              !m_last.state_commit.empty();
  flag(out,
       "tether_host_converged",
       "1 when the host applied its branch tip and every declared service is converged.",
       host_converged);
}

void Metrics::render_declared(std::string& out) const {
  exposition::family(out,
                     "tether_agent_info",
                     "gauge",
                     "The agent's host id (--host-id), as GET /status names the host.");
  if (!m_last.host_id.empty())
    out += "tether_agent_info{host_id=" + exposition::label(m_last.host_id) + "} 1\n";
  exposition::family(out,
                     "tether_service_state",
                     "gauge",
                     "1 for each declared service's state as GET /status reports it (converged, "
                     "pending, failed, quarantined, blocked, degraded, unhealthy, suspended).");
  for (const auto& [service, declared] : m_last.declared)
    out += "tether_service_state{service=" + exposition::label(service) +
           ",state=" + exposition::label(declared.state) + "} 1\n";
  exposition::family(out,
                     "tether_desired_release_info",
                     "gauge",
                     "The release declared for each service on this host (image for containers).");
  for (const auto& [service, declared] : m_last.declared)
    out += "tether_desired_release_info{service=" + exposition::label(service) +
           ",version=" + exposition::label(declared.version) +
           ",commit=" + exposition::label(declared.commit) +
           ",image=" + exposition::label(declared.image) + "} 1\n";
}

void Metrics::count_watchdog_miss() {
  std::lock_guard lock(m_mutex);
  ++m_watchdog_misses_total;
}

std::string Metrics::render() const {
  std::lock_guard lock(m_mutex);
  std::string out;
  exposition::family(
      out, "tether_reconcile_duration_seconds", "histogram", "Duration of reconcile passes.");
  for (size_t i = 0; i < k_buckets.size(); ++i) {
    out += "tether_reconcile_duration_seconds_bucket{le=\"" + bound(k_buckets[i]) + "\"} " +
           std::to_string(m_bucket_counts[i]) + "\n";
  }
  out += "tether_reconcile_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(m_passes) + "\n";
  out += "tether_reconcile_duration_seconds_sum " + exposition::number(m_duration_sum) + "\n";
  out += "tether_reconcile_duration_seconds_count " + std::to_string(m_passes) + "\n";
  counter(out, "tether_rollbacks_total", "Automatic rollbacks carried out.", m_rollbacks_total);
  exposition::family(
      out,
      "tether_switch_total",
      "counter",
      "Switches to a new release or new settings, by the service's strategy (spec.switch) and "
      "how they ended: switched, rolled_back (failed the gate), failed (nothing changed).");
  for (const auto& [key, count] : m_switches_total) {
    const auto& [service, strategy, outcome] = key;
    out += "tether_switch_total{service=" + exposition::label(service) +
           ",strategy=" + exposition::label(strategy) + ",outcome=" + exposition::label(outcome) +
           "} " + std::to_string(count) + "\n";
  }
  counter(out,
          "tether_recoveries_total",
          "Degraded services (crash-looping, repaired repeatedly, failed) that stayed up again.",
          m_recoveries_total);
  counter(out,
          "tether_watchdog_misses_total",
          "Services found failing their sd_notify watchdog (no WATCHDOG=1 within watchdogSec, "
          "or WATCHDOG=trigger); each is restarted.",
          m_watchdog_misses_total);
  counter(out,
          "tether_git_poll_errors_total",
          "Polls that could not fetch the state repo.",
          m_poll_errors_total);
  counter(
      out, "tether_git_polls_total", "Lookups of the state repo's branch tip.", m_git_polls_total);
  counter(out,
          "tether_git_fetches_total",
          "Fetches that downloaded objects (the branch tip had moved).",
          m_git_fetches_total);
  counter(out,
          "tether_manifest_loads_total",
          "State commits parsed and validated (a new tip).",
          m_manifest_loads_total);
  counter(out,
          "tether_release_files_hashed_total",
          "Release files read to compute their SHA-256 (the stat-keyed cache missed).",
          m_files_hashed_total);
  if (!m_any) return out;
  single(out,
         "tether_last_reconcile_timestamp_seconds",
         "gauge",
         "When the last pass finished (Unix time).",
         exposition::number(m_last.finished_unix_seconds));
  exposition::family(
      out, "tether_state_commit_info", "gauge", "The state commit the host converges to.");
  if (!m_last.state_commit.empty()) {
    out += "tether_state_commit_info{commit=" + exposition::label(m_last.state_commit) + "} 1\n";
  }
  render_state_repo(out);
  render_declared(out);
  per_service(
      out, "tether_converged", "1 when the service runs its declared release.", m_last.converged);
  per_service(out,
              "tether_quarantined",
              "1 while a release of the service is quarantined.",
              m_last.quarantined);
  per_service(out,
              "tether_service_healthy",
              "1 while the service runs and passes its health probes (watched continuously).",
              m_last.healthy);
  per_service(out,
              "tether_blocked",
              "1 while the service's change waits for a dependency.",
              m_last.blocked);
  per_service(out,
              "tether_suspended",
              "1 while a hold (tether suspend, spec.suspend) keeps the service as it runs.",
              m_last.suspended);
  exposition::family(out, "tether_service_info", "gauge", "The release live for each service.");
  for (const auto& [service, release] : m_last.live) {
    out += "tether_service_info{service=" + exposition::label(service) +
           ",version=" + exposition::label(release.first) +
           ",commit=" + exposition::label(release.second) + "} 1\n";
  }
  exposition::family(out,
                     "tether_traffic_port",
                     "gauge",
                     "Blue-green services: the port of the release the proxy sends clients to.");
  for (const auto& [service, port] : m_last.traffic_port)
    out += "tether_traffic_port{service=" + exposition::label(service) + "} " +
           std::to_string(port) + "\n";
  drills(out, m_last.drills);
  waves(out, m_last);
  return out;
}

}  // namespace tether
