#pragma once

#include "analysis/prometheus_answer.hpp"
#include "model/agent_config.hpp"

#include <string>

namespace tether {

/// Asks a Prometheus one instant query. An interface so the bake is unit-tested with scripted
/// answers; PrometheusClient is the real one.
class PrometheusQuerier {
 public:
  virtual ~PrometheusQuerier() = default;
  /// The answer to `promql` now; never throws, never waits past the querier's deadline.
  [[nodiscard]] virtual QueryAnswer query(const std::string& promql) const = 0;
};

/// The one adapter for Prometheus' HTTP API: `GET <url>/api/v1/query?query=...` through the
/// agent's libcurl client (net/http_client.hpp), within `config.timeout` for the whole exchange,
/// answers capped at 1 MiB, no proxy, no redirect; SIGTERM ends a query within about a second
/// (an error with `stopping` in its detail). Thread-safe: holds no state between queries.
class PrometheusClient final : public PrometheusQuerier {
 public:
  explicit PrometheusClient(PrometheusConfig config) : m_config(std::move(config)) {}
  [[nodiscard]] QueryAnswer query(const std::string& promql) const override;

  /// The URL of `promql` at `base` (trailing slashes dropped, the query percent-encoded).
  [[nodiscard]] static std::string query_url(const std::string& base, const std::string& promql);

 private:
  PrometheusConfig m_config;
};

}  // namespace tether
