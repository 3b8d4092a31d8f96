// Applier's health-gated switch through its seams: a healthy switch, the auto-rollback and
// quarantine after a failed gate, and a first install with nothing to go back to.
#include "applier_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::applier_switch_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ApplierSwitch, AHealthySwitchMovesCurrentAndRecordsWhatServes) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  const DesiredService v2 = f.web("2.0.0");

  const auto outcomes = f.converge(f.desired_of({v2}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].ok) << outcomes[0].error;
  EXPECT_EQ(outcomes[0].kind, ActionKind::upgrade);
  EXPECT_FALSE(outcomes[0].rolled_back);
  EXPECT_EQ(f.current_dir(), v2.release.dir_name());
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "upgrade ok"));
  const JournalEntry upgrade = f.journal().back();
  ASSERT_TRUE(upgrade.from && upgrade.to);
  EXPECT_EQ(upgrade.from->dir, v1.release.dir_name());
  EXPECT_EQ(upgrade.to->dir, v2.release.dir_name());
  EXPECT_EQ(upgrade.state_commit, "c2");
  const ServiceHistory history = f.history().at("web");
  EXPECT_EQ(history.last_good_dir, v2.release.dir_name());
  EXPECT_EQ(history.previous_good_dir, v1.release.dir_name());
  EXPECT_FALSE(history.quarantine);
  ASSERT_TRUE(f.live().at("web").serving);
  EXPECT_EQ(f.live().at("web").serving->fingerprint, v2.fingerprint);
  EXPECT_EQ(f.systemctl.calls("restart").size(), 2u);
  EXPECT_THAT(f.notifier.kinds(), ElementsAre("applied", "applied"));
}

TEST(ApplierSwitch, AFailedGateRollsBackToWhatServedAndQuarantines) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  const DesiredService v2 = f.web("2.0.0");
  f.prober.sicken(v2.release.dir_name());

  const auto outcomes = f.converge(f.desired_of({v2}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_TRUE(outcomes[0].rolled_back);
  EXPECT_THAT(outcomes[0].error, HasSubstr("HTTP 500"));
  EXPECT_THAT(outcomes[0].error,
              HasSubstr("rolled back to " + v1.release.dir_name() + " and quarantined " +
                        v2.release.dir_name()));
  EXPECT_EQ(f.current_dir(), v1.release.dir_name());
  // The failed switch is journaled before the auto-rollback that undid it.
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "upgrade failed", "auto-rollback ok"));
  const JournalEntry rollback = f.journal().back();
  EXPECT_EQ(rollback.from->dir, v2.release.dir_name());
  EXPECT_EQ(rollback.to->dir, v1.release.dir_name());
  EXPECT_THAT(rollback.reason, HasSubstr("HTTP 500"));
  const ServiceHistory history = f.history().at("web");
  ASSERT_TRUE(history.quarantine);
  EXPECT_EQ(history.quarantine->dir_name, v2.release.dir_name());
  EXPECT_EQ(history.quarantine->spec_digest, v2.spec_digest);
  EXPECT_THAT(history.failed_dirs, ElementsAre(v2.release.dir_name()));
  EXPECT_EQ(history.last_good_dir, v1.release.dir_name());
  EXPECT_EQ(f.live().at("web").serving->fingerprint, v1.fingerprint);
  EXPECT_THAT(f.notifier.kinds(), ElementsAre("applied", "quarantined", "error", "rolled-back"));
}

TEST(ApplierSwitch, AQuarantinedReleaseIsNotTriedAgainUntilItsDeclarationChanges) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  const DesiredService v2 = f.web("2.0.0");
  f.prober.sicken(v2.release.dir_name());
  ASSERT_FALSE(f.converge(f.desired_of({v2}, "c2")).at(0).ok);
  const size_t restarts = f.systemctl.calls("restart").size();

  EXPECT_TRUE(f.converge(f.desired_of({v2}, "c3")).empty());
  EXPECT_THAT(f.m_last_plan.quarantined, ElementsAre("web"));
  EXPECT_EQ(f.systemctl.calls("restart").size(), restarts);
  EXPECT_EQ(f.current_dir(), v1.release.dir_name());

  // A new declaration of the same release (here: the gate asks for two successes) lifts it.
  f.prober.cure(v2.release.dir_name());
  const auto retried = f.converge(f.desired_of({f.web("2.0.0", 2)}, "c4"));
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_TRUE(retried[0].ok) << retried[0].error;
  EXPECT_EQ(f.current_dir(), v2.release.dir_name());
  EXPECT_FALSE(f.history().at("web").quarantine);
}

TEST(ApplierSwitch, AFirstInstallThatFailsItsGateHasNothingToGoBackTo) {
  test::ApplierFixture f;
  const DesiredService v1 = f.web("1.0.0");
  f.prober.sicken(v1.release.dir_name());

  const auto outcomes = f.converge(f.desired_of({v1}));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_FALSE(outcomes[0].rolled_back);
  EXPECT_THAT(outcomes[0].error, HasSubstr("no previous release to go back to"));
  EXPECT_THAT(f.journal_lines(), ElementsAre("install failed"));
  // No quarantine: it would leave the service down for good.
  EXPECT_FALSE(f.history()["web"].quarantine);
  EXPECT_THAT(f.notifier.kinds(), ElementsAre("error"));
}

TEST(ApplierSwitch, AFailingPreSwitchHookChangesNothingLive) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  DesiredService v2 = f.web("2.0.0");
  v2.service.hooks.pre_switch = {"check-migrations"};
  f.systemctl.fail("");  // the hook is run through the same CommandRunner; argv[1] is ""

  const auto outcomes = f.converge(f.desired_of({v2}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_FALSE(outcomes[0].rolled_back);
  EXPECT_EQ(f.current_dir(), v1.release.dir_name());
  EXPECT_EQ(f.systemctl.calls("restart").size(), 1u);
  EXPECT_FALSE(f.history().at("web").quarantine);
}

}  // namespace
}  // namespace tether::applier_switch_test
