#include "analysis/bake_judge.hpp"

#include <cstdio>

namespace tether {
namespace {

QueryReading read(const AnalysisQuery& query, const QueryAnswer& answer) {
  QueryReading reading{query.name,
                       to_string(query.condition),
                       std::nullopt,
                       QueryReading::Verdict::no_data,
                       answer.detail};
  switch (answer.kind) {
    case QueryAnswer::Kind::value:
      reading.value = answer.value;
      reading.verdict = condition_holds(query.condition, answer.value)
                            ? QueryReading::Verdict::holds
                            : QueryReading::Verdict::breach;
      break;
    case QueryAnswer::Kind::no_data:
      reading.verdict = query.no_data == NoDataPolicy::fail ? QueryReading::Verdict::breach
                                                            : QueryReading::Verdict::no_data;
      break;
    case QueryAnswer::Kind::error:
      reading.verdict = QueryReading::Verdict::error;
      break;
  }
  return reading;
}

/// Why `reading` ends the bake, or "" when it does not (yet).
std::string breach_of(const AnalysisQuery& query,
                      const QueryReading& reading,
                      bool never_answered,
                      bool last) {
  using Verdict = QueryReading::Verdict;
  const std::string name = "analysis query " + query.name;
  if (reading.verdict == Verdict::breach && reading.value) {
    return name + " = " + short_number(*reading.value) + ", needs " + reading.condition;
  }
  if (reading.verdict == Verdict::breach) return name + " returned no data (noData: fail)";
  if (reading.verdict == Verdict::error) return name + " failed: " + reading.detail;
  if (reading.verdict == Verdict::no_data && last && never_answered &&
      query.no_data == NoDataPolicy::wait) {
    return name + " returned no data during the whole bake (noData: wait)";
  }
  return "";
}

}  // namespace

const char* to_string(QueryReading::Verdict verdict) {
  switch (verdict) {
    case QueryReading::Verdict::holds:
      return "holds";
    case QueryReading::Verdict::breach:
      return "breach";
    case QueryReading::Verdict::no_data:
      return "no data";
    case QueryReading::Verdict::error:
      return "error";
  }
  return "error";
}

BakeStep judge_round(const AnalysisSpec& spec,
                     const std::vector<QueryAnswer>& answers,
                     bool last,
                     BakeMemory& memory) {
  BakeStep step;
  memory.answered.resize(spec.queries.size(), false);
  for (size_t i = 0; i < spec.queries.size(); ++i) {
    const AnalysisQuery& query = spec.queries[i];
    const QueryAnswer missing{QueryAnswer::Kind::error, 0, "no answer"};
    QueryReading reading = read(query, i < answers.size() ? answers[i] : missing);
    if (reading.value) memory.answered[i] = true;
    const std::string breach = breach_of(query, reading, !memory.answered[i], last);
    if (!breach.empty() && step.reason.empty()) {
      step.outcome = BakeStep::Outcome::breached;
      step.reason = breach;
    }
    step.readings.push_back(std::move(reading));
  }
  if (step.outcome == BakeStep::Outcome::go_on && last) step.outcome = BakeStep::Outcome::passed;
  return step;
}

int round_count(const AnalysisSpec& spec) {
  if (spec.interval <= Millis(0)) return 1;
  const auto full = spec.bake / spec.interval;  // rounds at interval, 2*interval, ...
  return static_cast<int>(spec.bake % spec.interval == Millis(0) ? full : full + 1);
}

Millis round_due(const AnalysisSpec& spec, int index) {
  return std::min(spec.bake, spec.interval * (index + 1));
}

}  // namespace tether
