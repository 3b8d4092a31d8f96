// Holds (tether suspend, spec.suspend) in the pure planner: which hold is in force, and that a
// held service's every step waits while the others go on.
#include "plan/suspension_plan.hpp"

#include "plan/planner.hpp"
#include "plan_test_services.hpp"

#include <gtest/gtest.h>

namespace tether::suspension_plan_test {
namespace {

using plan_test::exec_service;
using plan_test::live_at;
using plan_test::release;

Suspension local(const std::string& reason, const std::string& until = "") {
  return Suspension{reason, "tether suspend", "2026-12-07T01:00:00.000Z", until};
}

constexpr const char* k_now = "2026-12-07T02:00:00.000Z";

TEST(SuspensionsInForce, TheHostsOwnHoldComesBeforeGitsAndAnExpiredOneIsOver) {
  Desired desired;
  desired.services.emplace("web", exec_service("web", "2.0.0"));
  desired.services.emplace("db", exec_service("db", "2.0.0"));
  desired.services.emplace("cache", exec_service("cache", "2.0.0"));
  desired.services.at("web").service.suspend = "git says wait";
  desired.services.at("db").service.suspend = "db migration";
  HostSuspensions holds;
  holds.services["web"] = local("incident 42");
  holds.services["cache"] = local("was held until 01:30", "2026-12-07T01:30:00.000Z");
  const Live live = {{"old", live_at("old", "1.0.0")}};

  const Suspensions in_force = suspensions_in_force(desired, live, holds, k_now);

  ASSERT_EQ(in_force.size(), 2U);
  EXPECT_EQ(in_force.at("web").reason, "incident 42");
  EXPECT_EQ(in_force.at("web").source, "tether suspend");
  EXPECT_EQ(in_force.at("db").reason, "db migration");
  EXPECT_EQ(in_force.at("db").source, "services/db.yaml");
  EXPECT_EQ(in_force.count("cache"), 0U) << "its --for ran out at 01:30";
  EXPECT_EQ(in_force.count("old"), 0U);
}

TEST(SuspensionsInForce, AHoldOnTheWholeHostCoversLiveServicesNoLongerDeclared) {
  Desired desired;
  desired.services.emplace("web", exec_service("web", "2.0.0"));
  HostSuspensions holds;
  holds.all = local("freeze for the audit", "2026-12-07T03:00:00.000Z");
  const Live live = {{"old", live_at("old", "1.0.0")}};

  const Suspensions in_force = suspensions_in_force(desired, live, holds, k_now);

  ASSERT_EQ(in_force.size(), 2U);
  EXPECT_EQ(in_force.at("web").reason, "freeze for the audit");
  EXPECT_EQ(in_force.at("old").reason, "freeze for the audit");

  Desired from_git = desired;
  from_git.host_suspend = Suspension{"hosts say wait", "hosts/h1.yaml", "", ""};
  const Suspensions git_only = suspensions_in_force(from_git, live, {}, k_now);
  EXPECT_EQ(git_only.at("web").source, "hosts/h1.yaml");
  EXPECT_EQ(git_only.at("old").source, "hosts/h1.yaml");
}

TEST(HoldSuspended, EveryStepOfAHeldServiceWaitsAndTheOthersGoOn) {
  Desired desired;
  desired.services.emplace("web", exec_service("web", "2.0.0"));      // upgrade
  desired.services.emplace("api", exec_service("api", "1.0.0"));      // restart (process down)
  desired.services.emplace("other", exec_service("other", "2.0.0"));  // upgrade, not held
  Live live = {{"web", live_at("web", "1.0.0")},
               {"api", live_at("api", "1.0.0", ProcessState::stopped)},
               {"other", live_at("other", "1.0.0")},
               {"gone", live_at("gone", "1.0.0")}};  // no longer declared: removal
  const Suspensions holds = {
      {"web", local("incident 42")}, {"api", local("incident 42")}, {"gone", local("keep it")}};

  const Plan plan = make_plan(desired, live, {}, {}, holds);

  ASSERT_EQ(plan.actions.size(), 1U);
  EXPECT_EQ(plan.actions[0].service, "other");
  EXPECT_TRUE(plan.removals.empty());
  ASSERT_EQ(plan.suspended.size(), 3U);
  EXPECT_EQ(plan.suspended[0].action.service, "api");
  EXPECT_EQ(plan.suspended[0].action.kind, ActionKind::restart);
  EXPECT_EQ(plan.suspended[1].action.service, "gone");
  EXPECT_EQ(plan.suspended[1].action.kind, ActionKind::remove);
  EXPECT_EQ(plan.suspended[2].action.service, "web");
  EXPECT_EQ(plan.suspended[2].action.kind, ActionKind::upgrade);
  EXPECT_EQ(plan.suspended[2].suspension.reason, "incident 42");
  EXPECT_FALSE(plan.empty()) << "other still upgrades";

  const Plan without = make_plan(desired, live);
  EXPECT_EQ(without.actions.size(), 3U);
  EXPECT_EQ(without.removals.size(), 1U);
  EXPECT_TRUE(without.suspended.empty());
}

TEST(HoldSuspended, AHeldServiceKeepsItsOldReleasesAndADependentWaitsOnlyOnItsHealth) {
  Desired desired;
  DesiredService web = exec_service("web", "2.0.0");
  web.service.keep_releases = 1;
  desired.services.emplace("web", web);
  desired.services.emplace("app", exec_service("app", "2.0.0", {"web"}));
  LiveService web_live = live_at("web", "2.0.0");
  const ReleaseId old = release("0.9.0");
  web_live.installed.push_back(InstalledRelease{old.dir_name(), old, "t0", true, ""});
  const Live live = {{"web", web_live}, {"app", live_at("app", "1.0.0")}};

  const Plan held = make_plan(desired, live, {}, {}, {{"web", local("incident")}});
  EXPECT_TRUE(held.prunes.empty()) << "a hold changes nothing, pruning included";
  ASSERT_EQ(held.actions.size(), 1U);
  EXPECT_EQ(held.actions[0].service, "app") << "web runs healthy: its dependent goes on";
  EXPECT_TRUE(held.actions[0].after.empty());

  const Plan free = make_plan(desired, live);
  EXPECT_EQ(free.prunes.size(), 1U);
}

}  // namespace
}  // namespace tether::suspension_plan_test
