#pragma once

#include "analysis/prometheus_answer.hpp"
#include "model/agent_config.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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
/// answers capped at `max_answer_bytes` (1 MiB unless told), no proxy, no redirect; SIGTERM
/// ends a query within about a second (an error with `stopping` in its detail). Thread-safe:
/// holds no state between queries.
class PrometheusClient final : public PrometheusQuerier {
 public:
  static constexpr std::uint64_t k_default_max_answer_bytes = 1024 * 1024;

  explicit PrometheusClient(PrometheusConfig config,
                            std::uint64_t max_answer_bytes = k_default_max_answer_bytes)
      : m_config(std::move(config)), m_max_answer_bytes(max_answer_bytes) {}
  [[nodiscard]] QueryAnswer query(const std::string& promql) const override;
  /// Every sample `promql` selects now (parse_vector_answer); an Error says why there are none:
  /// Prometheus unreachable, too slow, too large an answer, or an answer that is no vector.
  [[nodiscard]] Result<std::vector<VectorSample>> query_vector(const std::string& promql) const;

  /// The URL of `promql` at `base` (trailing slashes dropped, the query percent-encoded).
  [[nodiscard]] static std::string query_url(const std::string& base, const std::string& promql);

 private:
  /// The HTTP exchange of one query: the response, or why there is none.
  [[nodiscard]] Result<std::pair<long, std::string>> exchange(const std::string& promql) const;

  PrometheusConfig m_config;
  std::uint64_t m_max_answer_bytes;
};

}  // namespace tether
