#include "analysis/fleet_judge.hpp"

#include <cstdio>

namespace tether {

std::string quarantined_elsewhere_query(const std::string& service,
                                        const std::string& version,
                                        const std::string& commit) {
  return "count(tether_quarantined_release_info{service=\"" + promql_escape(service) +
         "\",version=\"" + promql_escape(version) + "\",commit=\"" + promql_escape(commit) + "\"})";
}

FleetJudgement judge_fleet(const QueryAnswer& quarantined,
                           const std::vector<AnalysisQuery>& queries,
                           const std::vector<QueryAnswer>& answers) {
  if (quarantined.kind == QueryAnswer::Kind::error) {
    return {FleetVerdict::unknown,
            "cannot tell whether a host quarantined the release: " + quarantined.detail};
  }
  if (quarantined.kind == QueryAnswer::Kind::value && quarantined.value >= 1) {
    return {
        FleetVerdict::breached,
        "the release failed and is quarantined on " + short_number(quarantined.value) + " host(s)"};
  }
  std::string unknown;
  for (size_t i = 0; i < queries.size(); ++i) {
    const AnalysisQuery& query = queries[i];
    const QueryAnswer& answer =
        i < answers.size() ? answers[i] : QueryAnswer{QueryAnswer::Kind::error, 0, "no answer"};
    switch (answer.kind) {
      case QueryAnswer::Kind::error:
        if (unknown.empty()) unknown = "fleet query " + query.name + " failed: " + answer.detail;
        break;
      case QueryAnswer::Kind::no_data:
        if (query.no_data == NoDataPolicy::fail)
          return {FleetVerdict::breached, "fleet query " + query.name + " returned no data"};
        break;
      case QueryAnswer::Kind::value:
        if (!condition_holds(query.condition, answer.value)) {
          return {FleetVerdict::breached,
                  "fleet query " + query.name + " = " + short_number(answer.value) + ", needs " +
                      to_string(query.condition)};
        }
        break;
    }
  }
  if (!unknown.empty()) return {FleetVerdict::unknown, unknown};
  return {FleetVerdict::holds, ""};
}

FleetJudgement PrometheusFleetJudge::judge(const DesiredService& service,
                                           const WavedService& waved) const {
  const std::string& name = service.service.name;
  const QueryAnswer quarantined = m_prometheus.query(
      quarantined_elsewhere_query(name, service.release.version, service.release.commit));
  const TemplateValues values{
      m_host, name, service.release.version, service.release.commit, m_labels};
  std::vector<QueryAnswer> answers;
  for (const AnalysisQuery& query : waved.fleet_queries)
    answers.push_back(m_prometheus.query(expand_template(query.query, values)));
  return judge_fleet(quarantined, waved.fleet_queries, answers);
}

}  // namespace tether
