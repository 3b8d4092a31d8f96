// The switch-strategy seam: the applier switches a binary service through the strategy its
// registration chooses and falls back when that fails; RestartSwitch (the built-in one) stops
// before it writes the marker and writes the marker before `current` moves.
#include "applier_fixture.hpp"
#include "apply/release_installer.hpp"
#include "core/files.hpp"
#include "live/process_record.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::switch_strategy_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// Records what the applier asks of it and answers as told; moves nothing on disk.
class FakeSwitch final : public SwitchStrategy {
 public:
  SwitchResult switch_to(const SwitchRequest& request) const override {
    m_calls.push_back("switch_to " + request.from_dir + " -> " + request.to_dir);
    return m_result;
  }
  Status switch_back(const SwitchRequest& request) const override {
    m_calls.push_back("switch_back " + request.from_dir + " -> " + request.to_dir);
    return m_back;
  }

  SwitchResult m_result;
  Status m_back = ok_status();
  mutable std::vector<std::string> m_calls;
};

/// Registers FakeSwitch for every service.
class FakeStrategies final : public SwitchStrategies {
 public:
  const SwitchStrategy& strategy_for(const DesiredService& desired) const override {
    m_chosen_for.push_back(desired.service.name);
    return m_fake;
  }
  FakeSwitch m_fake;
  mutable std::vector<std::string> m_chosen_for;
};

/// The applier fixture with a second Applier that switches through FakeStrategies.
struct FakeSwitchFixture : test::ApplierFixture {
  FakeStrategies fakes;
  Applier faked{layout,
                runner,
                hooks,
                fakes,
                Journal(layout.journal()),
                HistoryStore(layout.history()),
                notifier};

  std::vector<ApplyOutcome> converge_faked(const Desired& desired) {
    const Live now = live();
    m_last_plan = make_plan(desired, now, history());
    return faked.apply(m_last_plan, desired, now);
  }
};

TEST(ApplierSwitchStrategy, AnUpgradeGoesThroughTheRegisteredStrategy) {
  FakeSwitchFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  const DesiredService v2 = f.web("2.0.0");

  const auto outcomes = f.converge_faked(f.desired_of({v2}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].ok) << outcomes[0].error;
  EXPECT_THAT(f.fakes.m_chosen_for, ElementsAre("web"));
  EXPECT_THAT(f.fakes.m_fake.m_calls,
              ElementsAre("switch_to " + v1.release.dir_name() + " -> " + v2.release.dir_name()));
  // The restart switch did not run: no second restart, and `current` is where the fake left it.
  EXPECT_EQ(f.systemctl.calls("restart").size(), 1u);
  EXPECT_EQ(f.current_dir(), v1.release.dir_name());
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "upgrade ok"));
  EXPECT_EQ(f.live().at("web").serving->fingerprint, v2.fingerprint);
  EXPECT_EQ(f.history().at("web").last_good_dir, v2.release.dir_name());
}

TEST(ApplierSwitchStrategy, AFailedGateFallsBackThroughTheSameStrategy) {
  FakeSwitchFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  const DesiredService v2 = f.web("2.0.0");
  f.fakes.m_fake.m_result = SwitchResult{SwitchStage::gated, Error{"fake gate failed", ""}};

  const auto outcomes = f.converge_faked(f.desired_of({v2}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_TRUE(outcomes[0].rolled_back);
  EXPECT_THAT(outcomes[0].error,
              HasSubstr("fake gate failed; rolled back to " + v1.release.dir_name() +
                        " and quarantined " + v2.release.dir_name()));
  EXPECT_THAT(f.fakes.m_fake.m_calls,
              ElementsAre("switch_to " + v1.release.dir_name() + " -> " + v2.release.dir_name(),
                          "switch_back " + v2.release.dir_name() + " -> " + v1.release.dir_name()));
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "upgrade failed", "auto-rollback ok"));
  const ServiceHistory history = f.history().at("web");
  ASSERT_TRUE(history.quarantine);
  EXPECT_EQ(history.quarantine->dir_name, v2.release.dir_name());
  EXPECT_EQ(f.live().at("web").serving->fingerprint, v1.fingerprint);
  EXPECT_THAT(f.notifier.kinds(), ElementsAre("applied", "quarantined", "error", "rolled-back"));
}

TEST(ApplierSwitchStrategy, AFailedSwitchBackIsJournaledAsAFailedAutoRollback) {
  FakeSwitchFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  const DesiredService v2 = f.web("2.0.0");
  f.fakes.m_fake.m_result = SwitchResult{SwitchStage::gated, Error{"fake gate failed", ""}};
  f.fakes.m_fake.m_back = Error{"cannot go back", ""};

  const auto outcomes = f.converge_faked(f.desired_of({v2}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_THAT(f.journal_lines(),
              ElementsAre("install ok", "upgrade failed", "auto-rollback failed"));
  EXPECT_EQ(f.journal().back().error, "cannot go back");
  // What failed to come back is not recorded as serving.
  EXPECT_EQ(f.live().at("web").serving->fingerprint, v1.fingerprint);
}

TEST(ApplierSwitchStrategy, AnAbortedSwitchIsNotFallenBackFrom) {
  FakeSwitchFixture f;
  f.serving("1.0.0");
  const DesiredService v2 = f.web("2.0.0");
  f.fakes.m_fake.m_result = SwitchResult{SwitchStage::aborted, Error{"fake stop failed", ""}};

  const auto outcomes = f.converge_faked(f.desired_of({v2}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_FALSE(outcomes[0].rolled_back);
  EXPECT_EQ(outcomes[0].error, "fake stop failed");
  EXPECT_EQ(f.fakes.m_fake.m_calls.size(), 1u);
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "upgrade failed"));
  EXPECT_FALSE(f.history().at("web").quarantine);
}

TEST(ApplierSwitchStrategy, AFailingPreSwitchHookNeverReachesTheStrategy) {
  FakeSwitchFixture f;
  f.serving("1.0.0");
  DesiredService v2 = f.web("2.0.0");
  v2.service.hooks.pre_switch = {"check-migrations"};
  f.systemctl.fail("");  // the hook runs through the same CommandRunner; argv[1] is ""

  const auto outcomes = f.converge_faked(f.desired_of({v2}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_TRUE(f.fakes.m_fake.m_calls.empty());
}

/// A Prober that notes where `current` and the switch marker point when the gate first probes.
class ObservingProber final : public Prober {
 public:
  explicit ObservingProber(Layout layout) : m_layout(std::move(layout)) {}
  ProbeResult probe(const Probe&, Millis, const std::filesystem::path&) override {
    if (m_seen.empty()) {
      std::error_code ec;
      m_seen.push_back("current " +
                       fs::read_symlink(m_layout.current_link("web"), ec).filename().string());
      auto marker = read_file(m_layout.service_dir("web") / ".switch-from");
      m_seen.push_back("marker " + (marker ? *marker : std::string("none")));
    }
    return {true, "HTTP 200"};
  }
  std::vector<std::string> m_seen;

 private:
  Layout m_layout;
};

/// Web `version`, installed but not switched to.
DesiredService installed(test::ApplierFixture& f, const std::string& version) {
  const DesiredService release = f.web(version);
  EXPECT_TRUE(install_release(f.layout, {}, release, "c2"));
  return release;
}

TEST(RestartSwitch, TheNewReleaseStartsOnceCurrentAndTheMarkerAreWritten) {
  test::ApplierFixture f;
  ObservingProber observing(f.layout);
  ServiceRunner runner(f.layout, f.supervisor, f.systemd, observing, f.clock);
  const BuiltInSwitchStrategies builtin(f.layout, runner);
  const DesiredService v1 = f.serving("1.0.0");
  const DesiredService v2 = installed(f, "2.0.0");
  const size_t restarts = f.systemctl.calls("restart").size();

  const SwitchResult result = builtin.strategy_for(v2).switch_to(
      SwitchRequest{v2, v1.release.dir_name(), v2.release.dir_name(), "c2"});

  EXPECT_EQ(result.stage, SwitchStage::gated);
  EXPECT_TRUE(result.status) << result.status.error().describe();
  EXPECT_EQ(f.systemctl.calls("restart").size(), restarts + 1);
  EXPECT_THAT(
      observing.m_seen,
      ElementsAre("current " + v2.release.dir_name(), "marker " + v1.release.dir_name() + "\n"));
  // Settling the switch (the marker's end) is the applier's, after the postSwitch hook.
  EXPECT_TRUE(fs::exists(f.layout.service_dir("web") / ".switch-from"));
}

TEST(RestartSwitch, ItStopsBeforeTheMarkerAndWritesTheMarkerBeforeCurrentMoves) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  DesiredService v2 = installed(f, "2.0.0");
  v2.service.run = RunSpec{ExecRun{{"bin/web"}, {}, Millis(10)}};
  // A recorded process that is gone: the stop removes its pid file.
  const fs::path pid_file = f.layout.pid_file("web");
  fs::create_directories(pid_file.parent_path());
  ASSERT_TRUE(write_process_record(pid_file, ProcessRecord{999999, 1, v1.release.dir_name()}));
  // A directory where the marker goes: writing the marker fails.
  fs::create_directories(f.layout.service_dir("web") / ".switch-from" / "blocked");

  const SwitchResult result = f.switches.strategy_for(v2).switch_to(
      SwitchRequest{v2, v1.release.dir_name(), v2.release.dir_name(), "c2"});

  EXPECT_EQ(result.stage, SwitchStage::aborted);
  EXPECT_FALSE(result.status);
  EXPECT_FALSE(fs::exists(pid_file)) << "the stop comes before the marker";
  EXPECT_EQ(f.current_dir(), v1.release.dir_name()) << "the marker comes before `current`";
}

TEST(RestartSwitch, SwitchingBackMovesCurrentBackAndStartsWhatServedBefore) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  const DesiredService v2 = installed(f, "2.0.0");
  f.prober.sicken(v2.release.dir_name());
  const SwitchStrategy& restart = f.switches.strategy_for(v2);
  const SwitchResult failed =
      restart.switch_to(SwitchRequest{v2, v1.release.dir_name(), v2.release.dir_name(), "c2"});
  ASSERT_EQ(failed.stage, SwitchStage::gated);
  ASSERT_FALSE(failed.status);
  const size_t restarts = f.systemctl.calls("restart").size();

  const Status back =
      restart.switch_back(SwitchRequest{v1, v2.release.dir_name(), v1.release.dir_name(), "c2"});

  EXPECT_TRUE(back) << back.error().describe();
  EXPECT_EQ(f.current_dir(), v1.release.dir_name());
  EXPECT_EQ(f.systemctl.calls("restart").size(), restarts + 1);
}

}  // namespace
}  // namespace tether::switch_strategy_test
