// The fleet analysis of a rollout in waves: its verdict from Prometheus' answers (pure), and
// the built-in query that sees a release quarantined on any host.
#include "analysis/fleet_judge.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace tether::fleet_judge_test {
namespace {

using Kind = QueryAnswer::Kind;

AnalysisQuery query(const std::string& name, NoDataPolicy no_data = NoDataPolicy::pass) {
  return AnalysisQuery{name, "x", *parse_condition("< 0.05"), no_data};
}

const QueryAnswer k_none{Kind::no_data, 0, ""};

TEST(JudgeFleet, NoHostOnTheReleaseYetHolds) {
  EXPECT_EQ(judge_fleet(k_none, {query("errors")}, {k_none}).verdict, FleetVerdict::holds);
}

TEST(JudgeFleet, AValueOutsideItsConditionBreachesAndSaysSo) {
  const FleetJudgement j = judge_fleet(k_none, {query("errors")}, {{Kind::value, 0.1, ""}});
  EXPECT_EQ(j.verdict, FleetVerdict::breached);
  EXPECT_EQ(j.reason, "fleet query errors = 0.1, needs < 0.05");
}

TEST(JudgeFleet, AReleaseQuarantinedOnAnyHostBreaches) {
  const FleetJudgement j = judge_fleet({Kind::value, 2, ""}, {}, {});
  EXPECT_EQ(j.verdict, FleetVerdict::breached);
  EXPECT_NE(j.reason.find("quarantined on 2 host(s)"), std::string::npos) << j.reason;
}

TEST(JudgeFleet, NoDataFailBreaches) {
  EXPECT_EQ(judge_fleet(k_none, {query("errors", NoDataPolicy::fail)}, {k_none}).verdict,
            FleetVerdict::breached);
}

TEST(JudgeFleet, AnErrorIsUnknownButABreachElsewhereStillWins) {
  const QueryAnswer error{Kind::error, 0, "cannot ask Prometheus"};
  EXPECT_EQ(judge_fleet(error, {}, {}).verdict, FleetVerdict::unknown);
  const FleetJudgement one = judge_fleet(k_none, {query("a"), query("b")}, {error, k_none});
  EXPECT_EQ(one.verdict, FleetVerdict::unknown);
  EXPECT_NE(one.reason.find("cannot ask Prometheus"), std::string::npos);
  EXPECT_EQ(judge_fleet(k_none, {query("a"), query("b")}, {error, {Kind::value, 1, ""}}).verdict,
            FleetVerdict::breached);
}

TEST(JudgeFleet, NaNNeverHolds) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(judge_fleet(k_none, {query("a")}, {{Kind::value, nan, ""}}).verdict,
            FleetVerdict::breached);
}

TEST(QuarantinedElsewhereQuery, EscapesItsValues) {
  EXPECT_EQ(quarantined_elsewhere_query("web", "1.0\"x", "abc"),
            "count(tether_quarantined_release_info{service=\"web\",version=\"1.0\\\"x\","
            "commit=\"abc\"})");
}

}  // namespace
}  // namespace tether::fleet_judge_test
