#include "fleet/wait_goal.hpp"

#include "status_docs.hpp"

#include <gtest/gtest.h>

namespace tether::fleet::wait_goal_test {
namespace {

using namespace test;

const WaitGoal k_web_goal{"web", "1.4.2", "", 100};

Reply host_with(const std::string& host, const nlohmann::json& web) {
  return answered(host, document(host, state('c'), {web}));
}

std::vector<Standing> standings(const GoalProgress& progress) {
  std::vector<Standing> out;
  for (const HostStanding& host : progress.hosts) out.push_back(host.standing);
  return out;
}

TEST(FleetWaitGoal, EveryStandingAndWhoIsCounted) {
  const GoalProgress progress = check_goal(
      views({
          host_with("a", service("web", "converged", "1.4.2", "1.4.2")),
          host_with("b", service("web", "pending", "1.4.2", "1.4.1")),
          host_with("c", service("web", "failed", "1.4.2", "1.4.1", "exit 1")),
          host_with("d", service("web", "quarantined", "1.4.2", "1.4.1", "health: HTTP 500")),
          host_with("e", service("web", "converged", "1.4.1", "1.4.1")),
          host_with("f", service("web", "undeclared", "", "1.4.1")),
          host_with("g", service("cron", "converged", "1", "1")),  // no web: not counted
          answered("h", document("h", state('c'), {})),            // nothing: not counted
          host_with("i", service("web", "pending", "", "")),       // neither: not counted
          answered("j", R"({"services": [{"service": "web", "current": null}]})"),
          answered("k", R"({"services": [{"service": "web", "current": {"version": "1.4.2"}}]})"),
          refused("l"),
      }),
      k_web_goal);
  EXPECT_EQ(progress.done, 1);
  EXPECT_EQ(progress.counted, 8);
  EXPECT_EQ(progress.ignored, 4);
  EXPECT_FALSE(progress.met);
  EXPECT_TRUE(progress.quarantined);
  EXPECT_EQ(standings(progress),
            (std::vector<Standing>{Standing::pending,
                                   Standing::failed,
                                   Standing::quarantined,
                                   Standing::other_release,
                                   Standing::undeclared,
                                   Standing::unknown,
                                   Standing::unreachable,
                                   Standing::done}))
      << "missing first, the most actionable on top";
  EXPECT_EQ(progress.hosts[1].detail,
            "runs 1.4.1 (141000000000), declares 1.4.2 (142000000000): exit 1");
  EXPECT_EQ(progress.hosts[6].host, "l:9410");
  EXPECT_EQ(progress.hosts[6].target, url_of("l"));
  EXPECT_EQ(progress.hosts[6].detail, "connection refused");
  EXPECT_EQ(progress.hosts[7].detail, "runs 1.4.2 (142000000000)");
  EXPECT_EQ(progress.percent_done(), 12);
}

struct PercentCase {
  int done;
  int pending;
  int unreachable;
  int percent;
  bool met;
};

class FleetWaitGoalPercent : public ::testing::TestWithParam<PercentCase> {};

TEST_P(FleetWaitGoalPercent, UnreachableHostsCountAsNotThere) {
  const PercentCase& c = GetParam();
  std::vector<Reply> replies;
  for (int i = 0; i < c.done; ++i)
    replies.push_back(
        host_with("d" + std::to_string(i), service("web", "converged", "1.4.2", "1.4.2")));
  for (int i = 0; i < c.pending; ++i)
    replies.push_back(
        host_with("p" + std::to_string(i), service("web", "pending", "1.4.2", "1.4.1")));
  for (int i = 0; i < c.unreachable; ++i) replies.push_back(refused("u" + std::to_string(i)));
  WaitGoal goal = k_web_goal;
  goal.percent = c.percent;
  const GoalProgress progress = check_goal(views(replies), goal);
  EXPECT_EQ(progress.met, c.met);
  EXPECT_EQ(progress.counted, c.done + c.pending + c.unreachable);
}

INSTANTIATE_TEST_SUITE_P(Shares,
                         FleetWaitGoalPercent,
                         ::testing::Values(PercentCase{3, 0, 1, 75, true},
                                           PercentCase{3, 0, 1, 76, false},
                                           PercentCase{3, 0, 1, 100, false},
                                           PercentCase{4, 0, 0, 100, true},
                                           PercentCase{1, 2, 0, 33, true},
                                           PercentCase{1, 2, 0, 34, false},
                                           PercentCase{0, 0, 0, 1, false},
                                           PercentCase{0, 0, 2, 1, false},
                                           PercentCase{1, 0, 0, 1, true}));

TEST(FleetWaitGoal, CommitPrefixMustMatchToo) {
  const std::vector<HostView> hosts =
      views({host_with("a", service("web", "converged", "1.4.2", "1.4.2"))});
  EXPECT_TRUE(check_goal(hosts, WaitGoal{"web", "1.4.2", "142", 100}).met);
  EXPECT_TRUE(check_goal(hosts, WaitGoal{"web", "1.4.2", commit_of("1.4.2"), 100}).met);
  EXPECT_FALSE(check_goal(hosts, WaitGoal{"web", "1.4.2", "143", 100}).met);
  EXPECT_FALSE(check_goal(hosts, WaitGoal{"web", "1.4.3", "", 100}).met);
  EXPECT_EQ(check_goal(hosts, WaitGoal{"web", "1.4.2", "143", 100}).hosts.at(0).standing,
            Standing::other_release);
}

TEST(FleetWaitGoal, OnlyAQuarantineOfTheAwaitedReleaseStopsTheWait) {
  const auto quarantined = [](const std::string& declared, const WaitGoal& goal) {
    return check_goal(views({host_with(
                          "a", service("web", "quarantined", declared, "1.4.1", "HTTP 500"))}),
                      goal)
        .quarantined;
  };
  EXPECT_TRUE(quarantined("1.4.2", k_web_goal));
  EXPECT_FALSE(quarantined("1.4.3", k_web_goal))
      << "another release failed: still missing, not fatal";
  EXPECT_FALSE(quarantined("1.4.2", WaitGoal{"web", "1.4.2", "999", 100}));
  EXPECT_FALSE(quarantined("1.4.2", WaitGoal{"cron", "1.4.2", "", 100}));
}

TEST(FleetWaitGoal, AReportMidSwitchIsPendingNotDone) {
  // The agent's state is from its last finished pass, `current` is read from disk now: while
  // it switches to the next release, it reports "converged" with the old one declared.
  const auto standing = [](const std::string& declared, const std::string& live) {
    return check_goal(views({host_with("a", service("web", "converged", declared, live))}),
                      k_web_goal)
        .hosts.at(0)
        .standing;
  };
  EXPECT_EQ(standing("1.4.1", "1.4.2"), Standing::pending) << "switching to 1.4.2 right now";
  EXPECT_EQ(standing("1.4.2", "1.4.1"), Standing::pending);
  EXPECT_EQ(standing("1.4.2", ""), Standing::pending);
  EXPECT_EQ(standing("1.4.2", "1.4.2"), Standing::done);
  EXPECT_EQ(standing("1.4.1", "1.4.1"), Standing::other_release);
}

TEST(FleetWaitGoal, Texts) {
  EXPECT_EQ(k_web_goal.text(), "web 1.4.2");
  EXPECT_EQ((WaitGoal{"web", "1.4.2", "3f2a", 50}).text(), "web 1.4.2 (commit 3f2a)");
  EXPECT_STREQ(to_string(Standing::other_release), "other-release");
  EXPECT_STREQ(to_string(WaitOutcome::timed_out), "timed-out");
}

TEST(FleetWaitGoal, AHostOffItsTipOrUnhealthyIsNotDone) {
  const nlohmann::json web = service("web", "converged", "1.4.2", "1.4.2");
  const GoalProgress progress = check_goal(
      views({
          answered("a",
                   off_tip_document("a", state('c'), state('f'), {web}, "refused", "bad yaml")),
          answered("b", off_tip_document("b", state('c'), "", {web}, "unreachable", "timeout")),
          host_with("c", service("web", "unhealthy", "1.4.2", "1.4.2")),
          host_with("d", web),
      }),
      k_web_goal);
  EXPECT_EQ(
      standings(progress),
      (std::vector<Standing>{
          Standing::unhealthy, Standing::tip_refused, Standing::repo_unreachable, Standing::done}));
  EXPECT_EQ(progress.done, 1);
  EXPECT_FALSE(progress.met);
  EXPECT_NE(progress.hosts[1].detail.find("bad yaml"), std::string::npos)
      << progress.hosts[1].detail;
  EXPECT_EQ(to_string(Standing::tip_refused), std::string("tip-refused"));
}

}  // namespace
}  // namespace tether::fleet::wait_goal_test
