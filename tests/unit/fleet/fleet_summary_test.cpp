#include "fleet/fleet_summary.hpp"

#include "status_docs.hpp"

#include <gtest/gtest.h>

namespace tether::fleet::fleet_summary_test {
namespace {

using namespace test;

StateCounts counts(
    int converged, int pending, int failed, int quarantined, int undeclared = 0, int unknown = 0) {
  return {converged, pending, failed, quarantined, undeclared, unknown};
}

ReleaseView v(const std::string& version) { return {version, commit_of(version), ""}; }

/// A mid-rollout fleet of web 1.4.1 -> 1.4.2 on commit c, one host not yet on c, one dead.
std::vector<HostView> mixed_fleet() {
  return views({
      answered("web-1",
               document("web-1", state('c'), {service("web", "converged", "1.4.2", "1.4.2")})),
      answered("web-2",
               document("web-2",
                        state('c'),
                        {service("web", "pending", "1.4.2", "1.4.1"),
                         service("cron", "converged", "3", "3")})),
      answered("web-3",
               document("web-3",
                        state('c'),
                        {service("web", "quarantined", "1.4.2", "1.4.1", "health: HTTP 500")})),
      answered("web-4",
               document("web-4", state('b'), {service("web", "converged", "1.4.1", "1.4.1")})),
      answered("web-5",
               document("web-5", state('c'), {service("web", "failed", "1.4.2", "1.4.1", "boom")})),
      answered("web-6", document("web-6", state('c'), {service("web", "undeclared", "", "1.4.1")})),
      answered("db-1", document("db-1", state('c'), {})),
      refused("web-7"),
  });
}

TEST(FleetSummary, CountsPerServiceAndDeclaredRelease) {
  const FleetSummary summary = summarize(mixed_fleet());
  EXPECT_EQ(summary.targets, 8);
  EXPECT_EQ(summary.answered, 7);
  ASSERT_EQ(summary.rows.size(), 3u);
  EXPECT_EQ(summary.rows[0], (ServiceRow{"cron", v("3"), counts(1, 0, 0, 0)}));
  // web-4 declares 1.4.1 (behind); web-6 runs 1.4.1 outside the rollout share.
  EXPECT_EQ(summary.rows[1], (ServiceRow{"web", v("1.4.1"), counts(1, 0, 0, 0, 1)}));
  EXPECT_EQ(summary.rows[2], (ServiceRow{"web", v("1.4.2"), counts(1, 1, 1, 1)}));
  EXPECT_EQ(summary.rows[2].counts.hosts(), 4);
  EXPECT_EQ(summary.unreachable,
            (std::vector<UnreachableHost>{{url_of("web-7"), "connection refused"}}));
  EXPECT_EQ(summary.majority_commit, state('c'));
  EXPECT_EQ(summary.majority_hosts, 6);
  ASSERT_EQ(summary.behind.size(), 1u);
  EXPECT_EQ(summary.behind[0].host, "web-4");
  EXPECT_EQ(summary.behind[0].desired_commit, state('b'));
  EXPECT_FALSE(summary.converged());
}

TEST(FleetSummary, LimitedToOneService) {
  const FleetSummary summary = summarize(mixed_fleet(), "cron");
  ASSERT_EQ(summary.rows.size(), 1u);
  EXPECT_EQ(summary.rows[0].service, "cron");
  EXPECT_EQ(summary.service, "cron");
  EXPECT_EQ(summary.unreachable.size(), 1u) << "hosts are still counted";
}

TEST(FleetSummary, VersionsSortTheWayPeopleReadThem) {
  const FleetSummary summary = summarize(views({
      answered("a", document("a", state('c'), {service("web", "converged", "1.10.0", "1.10.0")})),
      answered("b", document("b", state('c'), {service("web", "pending", "1.9.2", "")})),
  }));
  ASSERT_EQ(summary.rows.size(), 2u);
  EXPECT_EQ(summary.rows[0].release.version, "1.9.2");
  EXPECT_EQ(summary.rows[1].release.version, "1.10.0");
}

struct ConvergedCase {
  const char* name;
  std::vector<Reply> replies;
  std::string service;
  bool converged;
};

class FleetSummaryConverged : public ::testing::TestWithParam<ConvergedCase> {};

TEST_P(FleetSummaryConverged, Decides) {
  EXPECT_EQ(summarize(views(GetParam().replies), GetParam().service).converged(),
            GetParam().converged);
}

const Reply k_ok_a =
    answered("a", document("a", state('c'), {service("web", "converged", "2", "2")}));
const Reply k_ok_b =
    answered("b", document("b", state('c'), {service("web", "converged", "2", "2")}));

INSTANTIATE_TEST_SUITE_P(
    Fleets,
    FleetSummaryConverged,
    ::testing::Values(
        ConvergedCase{"all_converged", {k_ok_a, k_ok_b}, "", true},
        ConvergedCase{
            "undeclared_is_settled",
            {k_ok_a,
             answered("b", document("b", state('c'), {service("web", "undeclared", "", "1")}))},
            "",
            true},
        ConvergedCase{"a_host_without_services",
                      {k_ok_a, answered("b", document("b", state('c'), {}))},
                      "",
                      true},
        ConvergedCase{"one_unreachable", {k_ok_a, refused("b")}, "", false},
        ConvergedCase{
            "one_pending",
            {k_ok_a,
             answered("b", document("b", state('c'), {service("web", "pending", "2", "1")}))},
            "",
            false},
        ConvergedCase{"pending_in_another_service",
                      {k_ok_a,
                       answered("b",
                                document("b",
                                         state('c'),
                                         {service("web", "converged", "2", "2"),
                                          service("cron", "failed", "2", "1")}))},
                      "web",
                      true},
        ConvergedCase{
            "reported_converged_mid_switch",
            {k_ok_a,
             answered("b", document("b", state('c'), {service("web", "converged", "1", "2")}))},
            "",
            false},
        ConvergedCase{"no_state_reported",
                      {k_ok_a, answered("b", R"({"services": [{"service": "web"}]})")},
                      "",
                      false},
        ConvergedCase{
            "behind",
            {k_ok_a,
             k_ok_b,
             answered("c", document("c", state('b'), {service("web", "converged", "2", "2")}))},
            "",
            false},
        ConvergedCase{"service_nobody_runs", {k_ok_a, k_ok_b}, "nope", false}),
    [](const auto& c) { return std::string(c.param.name); });

TEST(FleetSummary, MajorityTiesGoToTheSmallerCommitAndHostsWithoutOneAreBehind) {
  const FleetSummary tie = summarize(views({
      answered("a", document("a", state('d'), {})),
      answered("b", document("b", state('c'), {})),
      answered("c", R"({"services": []})"),
  }));
  EXPECT_EQ(tie.majority_commit, state('c'));
  EXPECT_EQ(tie.majority_hosts, 1);
  ASSERT_EQ(tie.behind.size(), 2u);
  EXPECT_EQ(tie.behind[0].host, "a");
  EXPECT_EQ(tie.behind[1].host, "c:9410");
  EXPECT_EQ(tie.behind[1].desired_commit, "");

  const FleetSummary none = summarize(views({answered("a", R"({"services": []})")}));
  EXPECT_EQ(none.majority_commit, "");
  EXPECT_TRUE(none.behind.empty()) << "no agent reports a commit: nobody is behind";
}

TEST(FleetSummary, EveryHostRefusingTheTipIsNotAConvergedFleet) {
  // #17: all agents refuse a bad tip and keep running the last good commit's release. Their
  // services are converged to that commit, nobody is behind, and still the fleet is not
  // converged: it does not run what the branch declares.
  const std::string problem = "state commit ffffffffffff refused: services/web.yaml:7: bad";
  std::vector<Reply> replies;
  for (const char* host : {"a", "b", "c"}) {
    replies.push_back(answered(host,
                               off_tip_document(host,
                                                state('c'),
                                                state('f'),
                                                {service("web", "converged", "1.4.2", "1.4.2")},
                                                "refused",
                                                problem)));
  }
  const FleetSummary summary = summarize(views(replies));
  EXPECT_EQ(summary.rows[0].counts, counts(3, 0, 0, 0));
  EXPECT_TRUE(summary.behind.empty());
  ASSERT_EQ(summary.tip_not_applied.size(), 3u);
  EXPECT_EQ(summary.tip_not_applied[0],
            (TipNotApplied{"a", url_of("a"), "refused", state('c'), state('f'), problem}));
  EXPECT_FALSE(summary.converged());
}

TEST(FleetSummary, AnUnreachableStateRepoAndAnUnhealthyServiceAreNotConverged) {
  const FleetSummary cut_off = summarize(views({
      answered("a",
               off_tip_document("a",
                                state('c'),
                                "",
                                {service("web", "converged", "1.4.2", "1.4.2")},
                                "unreachable",
                                "git://git.example.com/state.git: connection refused")),
  }));
  ASSERT_EQ(cut_off.tip_not_applied.size(), 1u);
  EXPECT_EQ(cut_off.tip_not_applied[0].outcome, "unreachable");
  EXPECT_FALSE(cut_off.converged());

  const FleetSummary unwell = summarize(views({
      answered("a", document("a", state('c'), {service("web", "unhealthy", "1.4.2", "1.4.2")})),
  }));
  StateCounts one_unhealthy;
  one_unhealthy.unhealthy = 1;
  EXPECT_EQ(unwell.rows[0].counts, one_unhealthy) << "not unknown: the agent said why";
  EXPECT_FALSE(unwell.converged());

  const FleetSummary before_first_pass = summarize(views({answered("a", R"({"services": []})")}));
  EXPECT_EQ(before_first_pass.without_pass, 1);
  EXPECT_FALSE(before_first_pass.converged()) << "an agent that has not finished a pass";

  const FleetSummary well = summarize(views({
      answered("a", document("a", state('c'), {service("web", "converged", "1.4.2", "1.4.2")})),
  }));
  EXPECT_TRUE(well.converged());
}

}  // namespace
}  // namespace tether::fleet::fleet_summary_test
