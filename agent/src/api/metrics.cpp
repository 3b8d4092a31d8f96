#include "api/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace tether {
namespace {

/// A label value with \, " and newline escaped as the exposition format requires.
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return "\"" + out + "\"";
}

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

/// A bucket bound as people write it ("0.1", "2.5", "10").
std::string bound(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
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
}

void Metrics::render_state_repo(std::string& out) const {
  family(out,
         "tether_state_info",
         "gauge",
         "The branch tip the last poll fetched (\"\" when unreachable) and the state commit "
         "applied; they differ while the tip is refused.");
  out += "tether_state_info{tip=" + label(m_last.tip_commit) +
         ",applied=" + label(m_last.state_commit) + "} 1\n";
  family(out,
         "tether_state_refused",
         "gauge",
         "1 while the branch tip is refused (invalid manifests, signature, history): the host "
         "stays on the last good state commit.");
  out += std::string("tether_state_refused ") + (m_last.tip_refused ? "1" : "0") + "\n";
  family(out,
         "tether_state_unreachable",
         "gauge",
         "1 while the last poll could not reach the state repo.");
  out += std::string("tether_state_unreachable ") + (m_last.poll_failed ? "1" : "0") + "\n";
  // The host's one verdict: a refused tip or an unreachable repo is not converged either,
  // however well its services run the last good commit.
  const bool services_converged = std::all_of(m_last.converged.begin(),
                                              m_last.converged.end(),
                                              [](const auto& entry) { return entry.second; });
  const bool host_converged = services_converged && !m_last.tip_refused && !m_last.poll_failed &&
                              !m_last.state_commit.empty();
  family(out,
         "tether_host_converged",
         "gauge",
         "1 when the host applied its branch tip and every declared service is converged.");
  out += std::string("tether_host_converged ") + (host_converged ? "1" : "0") + "\n";
}

std::string Metrics::render() const {
  std::lock_guard lock(m_mutex);
  std::string out;
  family(out, "tether_reconcile_duration_seconds", "histogram", "Duration of reconcile passes.");
  for (size_t i = 0; i < k_buckets.size(); ++i) {
    out += "tether_reconcile_duration_seconds_bucket{le=\"" + bound(k_buckets[i]) + "\"} " +
           std::to_string(m_bucket_counts[i]) + "\n";
  }
  out += "tether_reconcile_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(m_passes) + "\n";
  out += "tether_reconcile_duration_seconds_sum " + number(m_duration_sum) + "\n";
  out += "tether_reconcile_duration_seconds_count " + std::to_string(m_passes) + "\n";
  family(out, "tether_rollbacks_total", "counter", "Automatic rollbacks carried out.");
  out += "tether_rollbacks_total " + std::to_string(m_rollbacks_total) + "\n";
  family(out,
         "tether_recoveries_total",
         "counter",
         "Degraded services (crash-looping, repaired repeatedly, failed) that stayed up again.");
  out += "tether_recoveries_total " + std::to_string(m_recoveries_total) + "\n";
  family(
      out, "tether_git_poll_errors_total", "counter", "Polls that could not fetch the state repo.");
  out += "tether_git_poll_errors_total " + std::to_string(m_poll_errors_total) + "\n";
  family(out, "tether_git_polls_total", "counter", "Lookups of the state repo's branch tip.");
  out += "tether_git_polls_total " + std::to_string(m_git_polls_total) + "\n";
  family(out,
         "tether_git_fetches_total",
         "counter",
         "Fetches that downloaded objects (the branch tip had moved).");
  out += "tether_git_fetches_total " + std::to_string(m_git_fetches_total) + "\n";
  family(out,
         "tether_manifest_loads_total",
         "counter",
         "State commits parsed and validated (a new tip).");
  out += "tether_manifest_loads_total " + std::to_string(m_manifest_loads_total) + "\n";
  family(out,
         "tether_release_files_hashed_total",
         "counter",
         "Release files read to compute their SHA-256 (the stat-keyed cache missed).");
  out += "tether_release_files_hashed_total " + std::to_string(m_files_hashed_total) + "\n";
  if (!m_any) return out;
  family(out,
         "tether_last_reconcile_timestamp_seconds",
         "gauge",
         "When the last pass finished (Unix time).");
  out += "tether_last_reconcile_timestamp_seconds " + number(m_last.finished_unix_seconds) + "\n";
  family(out, "tether_state_commit_info", "gauge", "The state commit the host converges to.");
  if (!m_last.state_commit.empty()) {
    out += "tether_state_commit_info{commit=" + label(m_last.state_commit) + "} 1\n";
  }
  render_state_repo(out);
  family(out, "tether_converged", "gauge", "1 when the service runs its declared release.");
  for (const auto& [service, converged] : m_last.converged) {
    out += "tether_converged{service=" + label(service) + "} " + (converged ? "1" : "0") + "\n";
  }
  family(out, "tether_quarantined", "gauge", "1 while a release of the service is quarantined.");
  for (const auto& [service, quarantined] : m_last.quarantined) {
    out += "tether_quarantined{service=" + label(service) + "} " + (quarantined ? "1" : "0") + "\n";
  }
  family(out,
         "tether_service_healthy",
         "gauge",
         "1 while the service runs and passes its health probes (watched continuously).");
  for (const auto& [service, healthy] : m_last.healthy) {
    out += "tether_service_healthy{service=" + label(service) + "} " + (healthy ? "1" : "0") + "\n";
  }
  family(out, "tether_blocked", "gauge", "1 while the service's change waits for a dependency.");
  for (const auto& [service, blocked] : m_last.blocked) {
    out += "tether_blocked{service=" + label(service) + "} " + (blocked ? "1" : "0") + "\n";
  }
  family(out, "tether_service_info", "gauge", "The release live for each service.");
  for (const auto& [service, release] : m_last.live) {
    out += "tether_service_info{service=" + label(service) + ",version=" + label(release.first) +
           ",commit=" + label(release.second) + "} 1\n";
  }
  return out;
}

}  // namespace tether
