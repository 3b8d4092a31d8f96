// Migrations (#23) in the pure planner: a switch back to a release recorded with an older
// migration state is flagged, and held when the service says `onRollback: refuse` until it is
// accepted on the host or in Git.
#include "plan/migration_plan.hpp"

#include "plan/planner.hpp"
#include "plan_test_services.hpp"

#include <gtest/gtest.h>

namespace tether::migration_plan_test {
namespace {

using plan_test::exec_service;
using plan_test::live_at;
using plan_test::release;

/// web declared at 1.0.0 with `spec.migrations` (on_rollback), live on 2.0.0 with 1.0.0 still
/// installed: 1.0.0 recorded `old_state`, 2.0.0 `new_state` ("" = nothing recorded).
struct Rollback {
  Desired desired;
  Live live;
};

Rollback rollback(OnMigrationRollback on_rollback,
                  const std::string& old_state,
                  const std::string& new_state) {
  Rollback r;
  DesiredService web = exec_service("web", "1.0.0");
  web.service.migrations =
      MigrationsSpec{{"bin/x", "migrate-status"}, on_rollback, Millis(10000), ""};
  r.desired.services.emplace("web", web);
  LiveService live = live_at("web", "2.0.0");
  live.installed.front().installed_at = "t2";
  live.installed.front().migration_state = new_state;
  const ReleaseId old = release("1.0.0");
  live.installed.insert(live.installed.begin(),
                        InstalledRelease{old.dir_name(), old, "t1", true, "", old_state});
  r.live.emplace("web", live);
  return r;
}

TEST(MigrationPlan, ARefusedRollbackAcrossMigrationsIsHeldAndSaysHowToAcceptIt) {
  const Rollback r = rollback(OnMigrationRollback::refuse, "0042", "0045");

  const Plan plan = make_plan(r.desired, r.live);

  EXPECT_TRUE(plan.actions.empty());
  ASSERT_EQ(plan.suspended.size(), 1U);
  const SuspendedService& held = plan.suspended.front();
  EXPECT_EQ(held.action.kind, ActionKind::rollback);
  EXPECT_EQ(held.suspension.source, k_migration_hold_source);
  EXPECT_NE(held.suspension.reason.find("crosses migrations 0042..0045"), std::string::npos)
      << held.suspension.reason;
  EXPECT_NE(held.suspension.reason.find("tether retry --accept-migrations web"), std::string::npos);
  EXPECT_NE(held.suspension.reason.find("acceptRollbackTo: \"0042\""), std::string::npos);
}

TEST(MigrationPlan, AWarnedRollbackGoesAheadFlaggedInItsReasonAndTheNotes) {
  const Rollback r = rollback(OnMigrationRollback::warn, "0042", "0045");

  const Plan plan = make_plan(r.desired, r.live);

  ASSERT_EQ(plan.actions.size(), 1U);
  EXPECT_TRUE(plan.suspended.empty());
  EXPECT_NE(plan.actions.front().reason.find("crosses migrations 0042..0045"), std::string::npos)
      << plan.actions.front().reason;
  ASSERT_EQ(plan.notes.size(), 1U);
  EXPECT_NE(plan.notes.front().find("onRollback: warn"), std::string::npos);
}

TEST(MigrationPlan, AcceptedOnTheHostForTheReleaseItLeavesOrInGitItGoesAhead) {
  const Rollback r = rollback(OnMigrationRollback::refuse, "0042", "0045");
  History history;
  history["web"].migrations_accepted_from = release("2.0.0").dir_name();
  const Plan accepted_here = make_plan(r.desired, r.live, history);
  ASSERT_EQ(accepted_here.actions.size(), 1U);
  EXPECT_NE(accepted_here.actions.front().reason.find("(accepted)"), std::string::npos);

  history["web"].migrations_accepted_from = release("3.0.0").dir_name();
  EXPECT_EQ(make_plan(r.desired, r.live, history).suspended.size(), 1U)
      << "an acceptance for leaving another release does not count";

  Rollback in_git = rollback(OnMigrationRollback::refuse, "0042", "0045");
  in_git.desired.services.at("web").service.migrations->accept_rollback_to = "0042";
  EXPECT_EQ(make_plan(in_git.desired, in_git.live).actions.size(), 1U);
  in_git.desired.services.at("web").service.migrations->accept_rollback_to = "0041";
  EXPECT_EQ(make_plan(in_git.desired, in_git.live).suspended.size(), 1U)
      << "acceptRollbackTo names the state it goes back to, exactly";
}

TEST(MigrationPlan, OnlyASwitchToAnOlderRecordedStateCrosses) {
  struct CrossingCase {
    std::string old_state;
    std::string new_state;
  };
  // Same state, newer state (a rollback that migrated nothing), or nothing recorded on
  // either side: nothing to flag.
  for (const CrossingCase& c :
       std::vector<CrossingCase>{{"0045", "0045"}, {"0046", "0045"}, {"", "0045"}, {"0042", ""}}) {
    const Rollback r = rollback(OnMigrationRollback::refuse, c.old_state, c.new_state);
    const Plan plan = make_plan(r.desired, r.live);
    EXPECT_EQ(plan.actions.size(), 1U) << c.old_state << " <- " << c.new_state;
    EXPECT_TRUE(plan.suspended.empty());
    EXPECT_TRUE(plan.notes.empty());
  }
}

TEST(MigrationPlan, AServiceWithoutMigrationsIsNeverFlagged) {
  Rollback r = rollback(OnMigrationRollback::refuse, "0042", "0045");
  r.desired.services.at("web").service.migrations.reset();

  const Plan plan = make_plan(r.desired, r.live);

  ASSERT_EQ(plan.actions.size(), 1U);
  EXPECT_EQ(plan.actions.front().reason.find("migrations"), std::string::npos);
}

TEST(MigrationCrossing, ComparesTheReleaseInCurrentWithTheTarget) {
  const Rollback r = rollback(OnMigrationRollback::warn, "0042", "0045");
  ServiceAction back;
  back.to = release("1.0.0");
  back.switch_current = true;
  const auto crossing = migration_crossing(back, r.live.at("web"));
  ASSERT_TRUE(crossing.has_value());
  EXPECT_EQ(*crossing, (MigrationCrossing{"0045", "0042", release("2.0.0").dir_name()}));
  back.switch_current = false;
  EXPECT_FALSE(migration_crossing(back, r.live.at("web")).has_value()) << "not a switch";
}

}  // namespace
}  // namespace tether::migration_plan_test
