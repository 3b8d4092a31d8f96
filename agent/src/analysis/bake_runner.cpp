#include "analysis/bake_runner.hpp"

#include "core/log.hpp"
#include "core/termination.hpp"

#include <algorithm>

namespace tether {
namespace {

/// Sleeps until `until` in short slices; false as soon as the agent is asked to stop.
bool sleep_unless_stopping(Clock& clock, Clock::TimePoint until) {
  constexpr Millis k_slice{200};
  while (!termination_requested()) {
    const auto left = std::chrono::duration_cast<Millis>(until - clock.now());
    if (left <= Millis(0)) return true;
    clock.sleep_for(std::min(left, k_slice));
  }
  return false;
}

Error stopping_error(const std::string& service) {
  Error error{service + ": the agent is stopping (SIGTERM) during the analysis bake",
              "the next start undoes the switch and bakes again"};
  error.stopping = true;
  return error;
}

}  // namespace

Status BakeRunner::bake(const std::string& service,
                        const AnalysisSpec& spec,
                        const std::string& version,
                        const std::string& commit) const {
  const TemplateValues values{m_host, service, version, commit, m_labels};
  std::vector<std::string> queries;
  for (const AnalysisQuery& query : spec.queries) {
    queries.push_back(expand_template(query.query, values));
  }
  log_info("baking",
           {{"service", service}, {"version", version}, {"bake", format_duration(spec.bake)}});
  m_board.begin(service, version, spec.bake);
  const Clock::TimePoint start = m_clock.now();
  BakeMemory memory;
  const int rounds = round_count(spec);
  for (int index = 0; index < rounds; ++index) {
    if (!sleep_unless_stopping(m_clock, start + round_due(spec, index))) {
      m_board.end(service);
      return stopping_error(service);
    }
    std::vector<QueryAnswer> answers;
    for (const std::string& query : queries) answers.push_back(m_prometheus.query(query));
    if (termination_requested()) {
      m_board.end(service);
      return stopping_error(service);
    }
    const BakeStep step = judge_round(spec, answers, index + 1 == rounds, memory);
    m_board.round(
        service, std::chrono::duration_cast<Millis>(m_clock.now() - start), step.readings);
    if (step.outcome == BakeStep::Outcome::breached) {
      m_board.end(service);
      log_warn("analysis breach",
               {{"service", service}, {"version", version}, {"reason", step.reason}});
      return Error{
          step.reason,
          "look at the query in Prometheus; fix the release or the query (docs/analysis.md)"};
    }
  }
  m_board.end(service);
  log_info("bake passed", {{"service", service}, {"version", version}});
  return ok_status();
}

}  // namespace tether
