#pragma once

#include "analysis/bake_board.hpp"
#include "analysis/prometheus_client.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/analysis.hpp"

#include <string>

namespace tether {

/// Runs the bake of spec.analysis after a switch passed its health gate: the queries, expanded
/// for this host and release, every `interval` until `bake`, judged by judge_round. Shows each
/// round on the BakeBoard. Thread-safe (one bake per service at a time, as the applier runs).
class BakeRunner {
 public:
  /// `host` and `labels` fill {{host}} and {{label.K}} in every query.
  BakeRunner(const PrometheusQuerier& prometheus,
             Clock& clock,
             BakeBoard& board,
             std::string host,
             std::map<std::string, std::string> labels)
      : m_prometheus(prometheus),
        m_clock(clock),
        m_board(board),
        m_host(std::move(host)),
        m_labels(std::move(labels)) {}

  /// Ok when every query held for the whole bake. An Error naming the query, its value and its
  /// condition on a breach (or the query's failure); an Error with `stopping` set as soon as the
  /// agent is asked to stop (SIGTERM): no verdict.
  [[nodiscard]] Status bake(const std::string& service,
                            const AnalysisSpec& spec,
                            const std::string& version,
                            const std::string& commit) const;

 private:
  const PrometheusQuerier& m_prometheus;
  Clock& m_clock;
  BakeBoard& m_board;
  std::string m_host;
  std::map<std::string, std::string> m_labels;
};

}  // namespace tether
