#include "agent/quiet_poll.hpp"

#include "agent/reconciler.hpp"
#include "apply/current_link.hpp"
#include "apply/release_installer.hpp"
#include "fake_clock.hpp"
#include "live/live_probe.hpp"
#include "release_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace tether {
namespace {

/// Facts under which a pass may reuse the last one: each test flips one to the unsafe side.
QuietPollFacts all_quiet() {
  QuietPollFacts facts;
  facts.scheduled = true;
  facts.last_pass_quiet = true;
  facts.same_desired = true;
  facts.watched_before_probe = true;
  facts.live_changed = false;
  facts.processes_unchanged = true;
  facts.unhealthy = false;
  facts.containers = false;
  facts.hold_ended = false;
  facts.recovery_due = false;
  facts.full_pass_due = false;
  return facts;
}

TEST(WhyProbeTest, NothingThatCouldHaveChangedReusesTheLastPass) {
  EXPECT_EQ(why_probe(all_quiet()), nullptr);
}

TEST(WhyProbeTest, DefaultFactsProbe) { EXPECT_NE(why_probe(QuietPollFacts{}), nullptr); }

TEST(WhyProbeTest, EachDoubtProbes) {
  const std::vector<void (*)(QuietPollFacts&)> doubts = {
      [](QuietPollFacts& f) { f.scheduled = false; },
      [](QuietPollFacts& f) { f.last_pass_quiet = false; },
      [](QuietPollFacts& f) { f.same_desired = false; },
      [](QuietPollFacts& f) { f.watched_before_probe = false; },
      [](QuietPollFacts& f) { f.live_changed = true; },
      [](QuietPollFacts& f) { f.processes_unchanged = false; },
      [](QuietPollFacts& f) { f.unhealthy = true; },
      [](QuietPollFacts& f) { f.hold_ended = true; },
      [](QuietPollFacts& f) { f.recovery_due = true; },
      [](QuietPollFacts& f) { f.containers = true; },
      [](QuietPollFacts& f) { f.full_pass_due = true; },
  };
  for (size_t i = 0; i < doubts.size(); ++i) {
    QuietPollFacts facts = all_quiet();
    doubts[i](facts);
    EXPECT_NE(why_probe(facts), nullptr) << "doubt " << i;
  }
}

/// A full pass that converged one service and had nothing to do.
PassResult quiet_pass() {
  PassResult result;
  result.desired = Desired{};
  result.desired->state_commit = std::string(40, 'a');
  result.state_commit = result.desired->state_commit;
  result.converged["web"] = true;
  return result;
}

TEST(PassWasQuietTest, ConvergedWithNothingToDoIsQuiet) {
  EXPECT_TRUE(pass_was_quiet(quiet_pass()));
}

TEST(PassWasQuietTest, AnythingDoneOrPendingIsNotQuiet) {
  const std::vector<void (*)(PassResult&)> busy = {
      [](PassResult& r) { r.desired.reset(); },
      [](PassResult& r) { r.converged["web"] = false; },
      [](PassResult& r) { r.plan.actions.push_back(ServiceAction{}); },
      [](PassResult& r) { r.plan.prunes.push_back(PruneAction{}); },
      [](PassResult& r) { r.plan.delayed.push_back(DelayedAction{}); },
      [](PassResult& r) { r.plan.blocked.push_back(BlockedService{}); },
      [](PassResult& r) { r.plan.quarantined.push_back("web"); },
      [](PassResult& r) { r.plan.suspended.push_back(SuspendedService{}); },
      [](PassResult& r) { r.blocked.push_back(BlockedService{}); },
      [](PassResult& r) { r.errors["web"] = "failed"; },
      [](PassResult& r) { r.failing["web"] = "failed before"; },
      [](PassResult& r) { r.unhealthy["web"] = "probe failed"; },
      [](PassResult& r) { r.applied.insert("web"); },
      [](PassResult& r) { r.rollbacks = 1; },
      [](PassResult& r) { r.stopping = true; },
  };
  for (size_t i = 0; i < busy.size(); ++i) {
    PassResult result = quiet_pass();
    busy[i](result);
    EXPECT_FALSE(pass_was_quiet(result)) << "case " << i;
  }
}

/// QuietPoll over a real root: one installed release, probed as a daemon's full pass does.
class QuietPollTest : public ::testing::Test {
 protected:
  QuietPollTest() {
    m_desired = test::make_release(m_tmp / "artifacts", "web", "1.4.2", {{"etc/app.yaml", "a\n"}});
    EXPECT_TRUE(install_release(m_layout, {}, m_desired, std::string(40, '5')).ok());
    EXPECT_TRUE(switch_current(m_layout, "web", m_desired.release.dir_name()).ok());
    std::filesystem::create_directories(m_layout.state_dir());
  }
  /// A full pass that found the host converged: probes, then remembers.
  void full_pass() {
    PassResult result = quiet_pass();
    result.live_after = probe_all(m_layout, m_hashes, {}, m_cache);
    m_quiet.remember(result, m_layout, m_cache);
  }
  bool reuses(PassTrigger trigger = PassTrigger::schedule) {
    PassResult result;
    result.outcome = PassOutcome::unreachable;
    const bool reused =
        m_quiet.reuse(trigger, *quiet_pass().desired, false, false, false, m_cache, result);
    if (reused) {
      EXPECT_TRUE(result.work.reused_last_pass);
      EXPECT_EQ(result.outcome, PassOutcome::unreachable) << "the fetch's outcome is kept";
      EXPECT_TRUE(result.converged.at("web"));
    }
    return reused;
  }
  std::filesystem::path config_file() const {
    return m_layout.release_dir("web", m_desired.release.dir_name()) / "etc/app.yaml";
  }

  test::TempDir m_tmp;
  Layout m_layout{m_tmp / "root"};
  HashCache m_hashes;
  ProbeCache m_cache;
  test::FakeClock m_clock;
  QuietPoll m_quiet{m_clock};
  DesiredService m_desired;
};

TEST_F(QuietPollTest, ReusesOnlyOnceEverythingProbedWasWatchedBeforeTheProbe) {
  full_pass();
  EXPECT_FALSE(reuses()) << "the watches were added after the probe";
  full_pass();
  EXPECT_TRUE(reuses());
  EXPECT_TRUE(reuses());
}

TEST_F(QuietPollTest, AnEditInPlaceMakesTheNextPassProbe) {
  full_pass();
  full_pass();
  ASSERT_TRUE(reuses());
  std::ofstream(config_file(), std::ios::app) << "b\n";
  EXPECT_FALSE(reuses());
}

TEST_F(QuietPollTest, AHistoryWrittenOutOfBandMakesTheNextPassProbe) {
  full_pass();
  full_pass();
  ASSERT_TRUE(reuses());
  std::ofstream(m_layout.history()) << "{}\n";
  EXPECT_FALSE(reuses());
}

TEST_F(QuietPollTest, AskedForOrDueItProbes) {
  full_pass();
  full_pass();
  EXPECT_FALSE(reuses(PassTrigger::operator_asked));
  EXPECT_FALSE(reuses(PassTrigger::health_changed));
  m_clock.advance(QuietPoll::k_full_pass_every);
  EXPECT_FALSE(reuses());
}

TEST_F(QuietPollTest, APassThatWasNotQuietIsNotReused) {
  full_pass();
  PassResult busy = quiet_pass();
  busy.applied.insert("web");
  busy.live_after = probe_all(m_layout, m_hashes, {}, m_cache);
  m_quiet.remember(busy, m_layout, m_cache);
  EXPECT_FALSE(reuses());
}

}  // namespace
}  // namespace tether
