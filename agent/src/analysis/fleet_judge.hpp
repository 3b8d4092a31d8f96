#pragma once

#include "analysis/prometheus_client.hpp"
#include "model/desired.hpp"
#include "model/rollout.hpp"

#include <string>
#include <vector>

namespace tether {

/// The fleet-level analysis of a rollout in waves (docs/staged-rollout.md), asked by each pass
/// for each service whose rollout is in progress.
class FleetJudge {
 public:
  virtual ~FleetJudge() = default;
  /// Whether the hosts already on `service`'s release hold. Never throws.
  [[nodiscard]] virtual FleetJudgement judge(const DesiredService& service,
                                             const WavedService& waved) const = 0;
};

/// The built-in halt query of `service` at `release`: how many hosts quarantined that
/// release (`tether_quarantined_release_info`, served by every agent's /metrics).
[[nodiscard]] std::string quarantined_elsewhere_query(const std::string& service,
                                                      const std::string& version,
                                                      const std::string& commit);

/// Judges one round of fleet answers, pure: `quarantined` answers the built-in query, then one
/// answer per query of `queries` in order. A release quarantined on any host, a value outside
/// its condition or `noData: fail` without data breaches; no data otherwise holds (no host is
/// on the release yet); an error makes the verdict unknown (later waves wait, nothing is
/// rolled back for it).
[[nodiscard]] FleetJudgement judge_fleet(const QueryAnswer& quarantined,
                                         const std::vector<AnalysisQuery>& queries,
                                         const std::vector<QueryAnswer>& answers);

/// Asks a Prometheus (each query within its timeout, answers capped: PrometheusClient).
class PrometheusFleetJudge final : public FleetJudge {
 public:
  PrometheusFleetJudge(const PrometheusQuerier& prometheus, std::string host, StringMap labels)
      : m_prometheus(prometheus), m_host(std::move(host)), m_labels(std::move(labels)) {}
  [[nodiscard]] FleetJudgement judge(const DesiredService& service,
                                     const WavedService& waved) const override;

 private:
  const PrometheusQuerier& m_prometheus;
  std::string m_host;
  StringMap m_labels;
};

}  // namespace tether
