// Rollouts in waves through whole passes of Reconciler (its seams as in reconciler_test.cpp),
// with the wall clock and the fleet analysis handed in: a host keeps what it runs until its
// wave is due, then takes the release; a fleet breach rolls back a host that took it.
#include "../apply/applier_fixture.hpp"
#include "agent/reconciler.hpp"
#include "fake_state_source.hpp"
#include "manifest/state_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::reconciler_rollout_test {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string commit_id(char c) { return std::string(40, c); }

class ScriptedFleet final : public FleetJudge {
 public:
  FleetJudgement judge(const DesiredService&, const WavedService&) const override {
    ++asked;
    return verdict;
  }
  FleetJudgement verdict{FleetVerdict::holds, ""};
  mutable int asked = 0;
};

struct RolloutFixture : test::ApplierFixture {
  test::FakeStateSource source;
  CommitGate gate{TrustPolicy{}};
  ScriptedFleet fleet;
  std::chrono::sys_seconds wall{seconds(1'800'000'000)};
  Reconciler reconciler{
      layout,
      HostIdentity{"web-01", {}},
      source,
      gate,
      applier,
      clock,
      nullptr,
      ReconcilerOptions{{}, nullptr, nullptr, 1, &fleet, [this] { return wall; }}};

  [[nodiscard]] std::string web_manifest(const std::string& version,
                                         const std::string& rollout = "") const {
    const DesiredService built = web(version);
    const ReleaseSpec& release = *built.service.release();
    return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
           "  release:\n    version: \"" +
           version + "\"\n    commit: " + release.commit +
           "\n    artifact:\n      url: " + release.artifact.url +
           "\n      sha256: " + release.artifact.sha256 +
           "\n    binary:\n      path: " + release.binary.path +
           "\n      sha256: " + release.binary.sha256 +
           "\n  run:\n    systemd: web.service\n"
           "  health:\n    http: {url: \"http://127.0.0.1:1/healthz\"}\n    deadline: 3s\n" +
           rollout;
  }

  /// Steps that put web-01 (its bucket for web) in the wave `wave` (1 or 2) of two.
  static std::string steps_with_host_in(int wave) {
    const int bucket = rollout_bucket("web-01", "web");
    const int first = wave == 1 ? bucket + 1 : bucket;
    return "  rollout:\n    steps:\n      - {percent: " + std::to_string(first) +
           ", pause: 60s}\n      - {percent: 100}\n";
  }

  PassResult pass() { return reconciler.run_once(ApplyMode::apply); }
};

TEST(ReconcilerRollout, AHostKeepsWhatItRunsUntilItsWaveIsDue) {
  RolloutFixture f;
  ASSERT_GT(rollout_bucket("web-01", "web"), 0) << "web-01 must fit in a second wave";
  f.source.commit(commit_id('1'), {{"services/web.yaml", f.web_manifest("1.0.0")}});
  ASSERT_EQ(f.pass().outcome, PassOutcome::converged);

  // The fake source keeps no history: the waves count from when the agent loaded the commit.
  f.source.commit(
      commit_id('2'),
      {{"services/web.yaml", f.web_manifest("2.0.0", RolloutFixture::steps_with_host_in(2))}});
  const PassResult waiting = f.pass();
  EXPECT_EQ(waiting.outcome, PassOutcome::converged) << waiting.problem;
  ASSERT_EQ(waiting.waves.count("web"), 1u);
  const WaveStatus& status = waiting.waves.at("web").status;
  EXPECT_EQ(status.wait, WaveWait::pause);
  EXPECT_EQ(status.wave, 1);
  EXPECT_THAT(status.why, HasSubstr("wave 2/2"));
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name());
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok"));

  f.wall += seconds(59);
  EXPECT_EQ(f.pass().waves.at("web").status.wait, WaveWait::pause);
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name());

  f.wall += seconds(1);
  const PassResult taken = f.pass();
  EXPECT_EQ(taken.waves.at("web").status.wait, WaveWait::none);
  EXPECT_THAT(taken.applied, ElementsAre("web"));
  EXPECT_EQ(f.current_dir(), f.web("2.0.0").release.dir_name());
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "upgrade ok"));
}

TEST(ReconcilerRollout, AHaltedRolloutHoldsALaterWaveBack) {
  RolloutFixture f;
  f.source.commit(commit_id('1'), {{"services/web.yaml", f.web_manifest("1.0.0")}});
  ASSERT_EQ(f.pass().outcome, PassOutcome::converged);
  f.fleet.verdict = {FleetVerdict::breached, "fleet query errors = 0.2, needs < 0.01"};
  f.source.commit(
      commit_id('2'),
      {{"services/web.yaml", f.web_manifest("2.0.0", RolloutFixture::steps_with_host_in(2))}});
  f.wall += seconds(30);
  (void)f.pass();
  f.wall += seconds(600);  // every wave due long ago: the halt still holds
  const PassResult halted = f.pass();
  EXPECT_EQ(halted.waves.at("web").status.wait, WaveWait::halted);
  EXPECT_THAT(halted.waves.at("web").status.why, HasSubstr("errors = 0.2"));
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name());
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok"));
}

TEST(ReconcilerRollout, AFleetBreachRollsBackAHostThatTookTheRelease) {
  RolloutFixture f;
  f.source.commit(commit_id('1'), {{"services/web.yaml", f.web_manifest("1.0.0")}});
  ASSERT_EQ(f.pass().outcome, PassOutcome::converged);
  f.source.commit(
      commit_id('2'),
      {{"services/web.yaml", f.web_manifest("2.0.0", RolloutFixture::steps_with_host_in(1))}});
  ASSERT_THAT(f.pass().applied, ElementsAre("web"));
  ASSERT_EQ(f.current_dir(), f.web("2.0.0").release.dir_name());

  f.fleet.verdict = {FleetVerdict::breached, "fleet query errors = 0.2, needs < 0.01"};
  const PassResult back = f.pass();
  EXPECT_EQ(back.rollbacks, 1);
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name());
  const auto entries = f.journal();
  ASSERT_FALSE(entries.empty());
  bool journaled = false;
  for (const JournalEntry& entry : entries) {
    if (entry.action != "auto-rollback") continue;
    journaled = true;
    EXPECT_THAT(entry.reason, HasSubstr("fleet analysis: fleet query errors = 0.2"));
    ASSERT_TRUE(entry.from.has_value());
    EXPECT_EQ(entry.from->version, "2.0.0");
  }
  EXPECT_TRUE(journaled);

  // Quarantined: later passes keep 1.0.0 even though the fleet holds again.
  f.fleet.verdict = {FleetVerdict::holds, ""};
  const PassResult after = f.pass();
  EXPECT_THAT(after.plan.quarantined, ElementsAre("web"));
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name());
}

TEST(ReconcilerRollout, AHostOnTheReleaseStopsAskingOnceEveryWaveIsDue) {
  RolloutFixture f;
  f.source.commit(
      commit_id('1'),
      {{"services/web.yaml", f.web_manifest("1.0.0", RolloutFixture::steps_with_host_in(1))}});
  (void)f.pass();
  (void)f.pass();
  const int asked = f.fleet.asked;
  EXPECT_GT(asked, 0) << "a host on the release judges the fleet while the rollout runs";
  f.wall += seconds(60);
  f.fleet.verdict = {FleetVerdict::breached, "fleet query errors = 1, needs < 0.1"};
  (void)f.pass();
  EXPECT_EQ(f.fleet.asked, asked);
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name()) << "nothing rolled back";
}

}  // namespace
}  // namespace tether::reconciler_rollout_test
