// Whole passes of Reconciler through its seams: the state repo in memory (FakeStateSource),
// an Applier on fakes (applier_fixture.hpp) and a FakeClock for the backoff. No process, no
// socket: services run under `run.systemd`, whose systemctl is a fake.
#include "agent/reconciler.hpp"

#include "../apply/applier_fixture.hpp"
#include "core/files.hpp"
#include "fake_state_source.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::reconciler_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// A 40-hex commit id made of `c`.
std::string commit_id(char c) { return std::string(40, c); }

struct ReconcilerFixture : test::ApplierFixture {
  test::FakeStateSource source;
  CommitGate gate{TrustPolicy{}};
  Reconciler reconciler{layout, HostIdentity{"web-01", {}}, source, gate, applier, clock};

  /// services/web.yaml for release `version` (its artifact built under the temp dir).
  [[nodiscard]] std::string web_manifest(const std::string& version) const {
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
           "  health:\n    http: {url: \"http://127.0.0.1:1/healthz\"}\n    deadline: 3s\n";
  }

  PassResult pass() { return reconciler.run_once(ApplyMode::apply); }
};

TEST(Reconciler, AppliesTheTipAndThenHasNothingToDo) {
  ReconcilerFixture f;
  f.source.commit(commit_id('1'), {{"services/web.yaml", f.web_manifest("1.0.0")}});

  const PassResult first = f.pass();

  EXPECT_EQ(first.outcome, PassOutcome::converged) << first.problem;
  EXPECT_EQ(first.state_commit, commit_id('1'));
  EXPECT_THAT(first.applied, ElementsAre("web"));
  EXPECT_TRUE(first.healthy.at("web"));
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name());
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok"));
  EXPECT_EQ(read_file(f.layout.state_dir() / "last-good-commit").value_or(""),
            commit_id('1') + "\n");

  const PassResult second = f.pass();
  EXPECT_EQ(second.outcome, PassOutcome::converged);
  EXPECT_TRUE(second.plan.empty());
  EXPECT_FALSE(second.work.manifests_loaded);
  EXPECT_EQ(f.journal().size(), 1u);
}

TEST(Reconciler, AFailedGateIsRolledBackAndTheQuarantineKeepsThePassFailed) {
  ReconcilerFixture f;
  f.source.commit(commit_id('1'), {{"services/web.yaml", f.web_manifest("1.0.0")}});
  ASSERT_EQ(f.pass().outcome, PassOutcome::converged);
  f.prober.sicken(f.web("2.0.0").release.dir_name());
  f.source.commit(commit_id('2'), {{"services/web.yaml", f.web_manifest("2.0.0")}});

  const PassResult failed = f.pass();

  EXPECT_EQ(failed.outcome, PassOutcome::failed);
  EXPECT_EQ(failed.rollbacks, 1);
  EXPECT_THAT(failed.errors.at("web"), HasSubstr("rolled back to"));
  EXPECT_FALSE(failed.converged.at("web"));
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name());

  const size_t restarts = f.systemctl.calls("restart").size();
  const PassResult again = f.pass();
  EXPECT_EQ(again.outcome, PassOutcome::failed);
  EXPECT_THAT(again.plan.quarantined, ElementsAre("web"));
  EXPECT_EQ(again.rollbacks, 0);
  EXPECT_EQ(f.systemctl.calls("restart").size(), restarts);
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "upgrade failed", "auto-rollback ok"));
}

TEST(Reconciler, RefusesACommitThatRemovesEveryServiceUnlessTheHostFileAllowsIt) {
  ReconcilerFixture f;
  f.source.commit(commit_id('1'), {{"services/web.yaml", f.web_manifest("1.0.0")}});
  ASSERT_EQ(f.pass().outcome, PassOutcome::converged);
  f.source.commit(commit_id('2'), {{"README.md", "nothing here\n"}});

  const PassResult refused = f.pass();

  EXPECT_EQ(refused.outcome, PassOutcome::refused);
  EXPECT_THAT(refused.problem, HasSubstr("would stop every service it runs (web)"));
  EXPECT_THAT(refused.problem, HasSubstr("allowRemovingAllServices"));
  EXPECT_EQ(refused.state_commit, commit_id('1'));  // the last good commit is kept
  EXPECT_TRUE(f.systemctl.calls("stop").empty());
  EXPECT_EQ(f.current_dir(), f.web("1.0.0").release.dir_name());

  f.source.commit(commit_id('3'),
                  {{"hosts/web-01.yaml",
                    "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: web-01}\n"
                    "spec:\n  allowRemovingAllServices: true\n"}});
  const PassResult removed = f.pass();

  EXPECT_EQ(removed.outcome, PassOutcome::converged) << removed.problem;
  EXPECT_THAT(removed.applied, ElementsAre("web"));
  EXPECT_EQ(f.systemctl.calls("stop").size(), 1u);
  EXPECT_FALSE(std::filesystem::is_symlink(f.layout.current_link("web")));
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "remove ok"));
}

TEST(Reconciler, AnUnreachableRepoStillRepairsDriftAgainstTheLastGoodState) {
  ReconcilerFixture f;
  f.source.commit(commit_id('1'), {{"services/web.yaml", f.web_manifest("1.0.0")}});
  ASSERT_EQ(f.pass().outcome, PassOutcome::converged);
  f.source.set_unreachable(true);
  const std::string dir = f.web("1.0.0").release.dir_name();
  ASSERT_TRUE(write_file_atomic(f.layout.release_dir("web", dir) / "bin" / "web", "x\n"));

  const PassResult result = f.pass();

  EXPECT_EQ(result.outcome, PassOutcome::unreachable);
  EXPECT_THAT(result.problem, HasSubstr("cannot reach the state repo"));
  EXPECT_EQ(result.state_commit, commit_id('1'));
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "repair ok"));
}

TEST(Reconciler, RepairsInARowBackOffAndTheDelayIsJournaledOnce) {
  ReconcilerFixture f;
  f.source.commit(commit_id('1'), {{"services/web.yaml", f.web_manifest("1.0.0")}});
  ASSERT_EQ(f.pass().outcome, PassOutcome::converged);
  const auto binary =
      f.layout.release_dir("web", f.web("1.0.0").release.dir_name()) / "bin" / "web";
  const auto tamper = [&] { ASSERT_TRUE(write_file_atomic(binary, "tampered\n")); };

  tamper();
  ASSERT_EQ(f.pass().outcome, PassOutcome::converged);  // the first repair runs at once
  tamper();
  const PassResult held = f.pass();
  const PassResult still_held = f.pass();

  EXPECT_EQ(held.outcome, PassOutcome::failed);
  ASSERT_EQ(held.plan.delayed.size(), 1u);
  EXPECT_EQ(held.plan.delayed[0].action.kind, ActionKind::repair);
  EXPECT_EQ(still_held.outcome, PassOutcome::failed);
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "repair ok", "delayed skipped"));
  EXPECT_THAT(f.journal().back().reason, HasSubstr("repair delayed"));

  f.clock.advance(std::chrono::minutes(1));
  const PassResult repaired = f.pass();
  EXPECT_EQ(repaired.outcome, PassOutcome::converged);
  EXPECT_THAT(f.journal_lines(),
              ElementsAre("install ok", "repair ok", "delayed skipped", "repair ok"));
}

}  // namespace
}  // namespace tether::reconciler_test
