#pragma once

#include "analysis/prometheus_answer.hpp"
#include "model/analysis.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tether {

/// One query's reading in one round of a bake, as /status and /metrics show it.
struct QueryReading {
  std::string query;            ///< AnalysisQuery::name
  std::string condition;        ///< "< 0.01"
  std::optional<double> value;  ///< the last value (none: no data or an error)
  enum class Verdict { holds, breach, no_data, error } verdict = Verdict::no_data;
  std::string detail;  ///< no data or error: what came back
  bool operator==(const QueryReading&) const = default;
};

[[nodiscard]] const char* to_string(QueryReading::Verdict verdict);

/// What the bake knows between rounds: which `noData: wait` queries have answered yet.
struct BakeMemory {
  std::vector<bool> answered;  ///< per query of the spec, in its order
};

/// The verdict after one round.
struct BakeStep {
  enum class Outcome { go_on, passed, breached } outcome = Outcome::go_on;
  std::string reason;  ///< breached: the query, its value and its condition (for the journal)
  std::vector<QueryReading> readings;
};

/// Judges one round of `spec`'s queries (`answers`, one per query in order); `last` says it is
/// the round at the end of the bake. A value outside its condition, `noData: fail` with no
/// data, or an error (Prometheus unreachable, a refused query, several samples) is a breach at
/// once: an analysis that cannot be made never passes. `noData: wait` with no data is not
/// judged, but the last round breaches when the query never answered during the bake. Pure.
[[nodiscard]] BakeStep judge_round(const AnalysisSpec& spec,
                                   const std::vector<QueryAnswer>& answers,
                                   bool last,
                                   BakeMemory& memory);

/// When round `index` (0-based) is due, counted from the start of the bake: every
/// `interval`, the last one at `bake` exactly. The bake has `round_count(spec)` rounds.
[[nodiscard]] Millis round_due(const AnalysisSpec& spec, int index);
[[nodiscard]] int round_count(const AnalysisSpec& spec);

}  // namespace tether
