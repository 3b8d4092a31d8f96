#pragma once

// Where `tether fleet status|wait` read the fleet from: every agent's GET /status, or the
// Prometheus that scrapes them (--prometheus).

#include "core/duration.hpp"
#include "core/result.hpp"
#include "fleet/host_view.hpp"
#include "fleet/status_source.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tether::fleet {

class FleetReader {
 public:
  virtual ~FleetReader() = default;
  /// The fleet now, one HostView per host, each request within `timeout`. An Error when
  /// nothing can be said of any host (Prometheus did not answer); never throws.
  [[nodiscard]] virtual Result<std::vector<HostView>> read(Millis timeout) = 0;
};

/// Asks every target's GET /status through `source`; never fails (a target that does not
/// answer is an unreachable host).
class AgentsReader final : public FleetReader {
 public:
  AgentsReader(StatusSource& source, std::vector<std::string> targets)
      : m_source(source), m_targets(std::move(targets)) {}
  [[nodiscard]] Result<std::vector<HostView>> read(Millis timeout) override;

 private:
  StatusSource& m_source;
  std::vector<std::string> m_targets;
};

/// Asks Prometheus at `url` one instant query per family of fleet_families() over the agents
/// it scrapes as `job` (analysis/prometheus_client: no proxy, no redirect, each query within
/// `timeout`, each answer at most k_max_answer_bytes) and builds the hosts with
/// hosts_from_samples. Any query that fails fails the read: half a fleet would read as
/// converged hosts missing their services.
class PrometheusReader final : public FleetReader {
 public:
  /// About 40 MB answer one family of a 10,000-host fleet with 20 services each.
  static constexpr std::uint64_t k_max_answer_bytes = 128ull * 1024 * 1024;

  PrometheusReader(std::string url, std::string job)
      : m_url(std::move(url)), m_job(std::move(job)) {}
  [[nodiscard]] Result<std::vector<HostView>> read(Millis timeout) override;

 private:
  std::string m_url;
  std::string m_job;
};

}  // namespace tether::fleet
