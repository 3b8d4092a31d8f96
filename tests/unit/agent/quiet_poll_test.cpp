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

namespace tether::quiet_poll_test {
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
    m_quiet.remember(result, m_layout, m_cache, nullptr);
  }
  bool reuses(PassTrigger trigger = PassTrigger::schedule) {
    return reuses_at(*quiet_pass().desired, trigger);
  }
  /// reuse() for a pass whose desired state is `desired`.
  bool reuses_at(const Desired& desired, PassTrigger trigger = PassTrigger::schedule) {
    PassResult result;
    result.outcome = PassOutcome::unreachable;
    const bool reused = m_quiet.reuse(trigger, desired, false, false, false, m_cache, result);
    if (reused) {
      EXPECT_TRUE(result.work.reused_last_pass);
      EXPECT_EQ(result.outcome, PassOutcome::unreachable) << "the fetch's outcome is kept";
      EXPECT_EQ(result.state_commit, desired.state_commit) << "the last pass's commit";
      EXPECT_TRUE(result.converged.empty()) << "the last pass's, shown already, not copied";
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
  const std::set<std::string> m_web{"web"};
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
  m_quiet.remember(busy, m_layout, m_cache, nullptr);
  EXPECT_FALSE(reuses());
}

/// The desired state of a commit after the one quiet_pass() converged to.
Desired next_commit() {
  Desired desired = *quiet_pass().desired;
  desired.state_commit = std::string(40, 'b');
  return desired;
}

TEST_F(QuietPollTest, ANewCommitAloneLeavesTheLastProbeStanding) {
  full_pass();
  full_pass();
  EXPECT_FALSE(reuses_at(next_commit())) << "a new desired state is planned";
  const std::set<std::string>* reprobe = m_quiet.reprobe_only();
  ASSERT_NE(reprobe, nullptr) << "nothing else changed: the last probe still holds";
  EXPECT_TRUE(reprobe->empty());
  EXPECT_EQ(m_quiet.last_live(), probe_all(m_layout, m_hashes, {}, m_cache));
}

TEST_F(QuietPollTest, AChangeToOneServiceReprobesThatOne) {
  full_pass();
  full_pass();
  std::ofstream(config_file(), std::ios::app) << "b\n";
  EXPECT_FALSE(reuses_at(next_commit()));
  ASSERT_NE(m_quiet.reprobe_only(), nullptr);
  EXPECT_EQ(*m_quiet.reprobe_only(), (std::set<std::string>{"web"}));

  // A pass that applied something is no reason to probe everything: its live state is what
  // it probed after applying.
  PassResult busy = quiet_pass();
  busy.applied.insert("web");
  busy.live_after = probe_all(m_layout, m_hashes, {}, m_cache);
  m_quiet.remember(busy, m_layout, m_cache, &m_web);
  EXPECT_FALSE(reuses_at(next_commit()));
  ASSERT_NE(m_quiet.reprobe_only(), nullptr);
  EXPECT_TRUE(m_quiet.reprobe_only()->empty());

  // A history written by hand: a plan input, read again by the pass, not a probe's.
  std::ofstream(m_layout.history()) << "{}\n";
  EXPECT_FALSE(reuses_at(next_commit()));
  ASSERT_NE(m_quiet.reprobe_only(), nullptr);
  EXPECT_TRUE(m_quiet.reprobe_only()->empty());
}

TEST_F(QuietPollTest, ADoubtAboutTheWholeHostProbesIt) {
  full_pass();
  full_pass();
  std::filesystem::create_directory(m_layout.root / "elsewhere");
  EXPECT_FALSE(reuses_at(next_commit()));
  EXPECT_EQ(m_quiet.reprobe_only(), nullptr) << "a change of the root's";

  full_pass();
  full_pass();
  EXPECT_FALSE(reuses_at(next_commit(), PassTrigger::operator_asked));
  EXPECT_EQ(m_quiet.reprobe_only(), nullptr) << "asked for: probes";

  full_pass();
  PassResult result;
  EXPECT_FALSE(
      m_quiet.reuse(PassTrigger::schedule, next_commit(), true, false, false, m_cache, result));
  EXPECT_EQ(m_quiet.reprobe_only(), nullptr) << "a service held unhealthy";
}

TEST_F(QuietPollTest, PathsWatchedAfterTheirProbeAreProbedOnceMore) {
  full_pass();
  EXPECT_FALSE(reuses_at(next_commit()));
  // The first pass watched everything after probing it: the root's paths among them.
  EXPECT_EQ(m_quiet.reprobe_only(), nullptr);
  // A second release of web, installed and probed after the last watch.
  full_pass();
  const DesiredService second =
      test::make_release(m_tmp / "artifacts", "web", "1.4.3", {{"etc/app.yaml", "b\n"}});
  ASSERT_TRUE(install_release(m_layout, {}, second, std::string(40, '6')).ok());
  PassResult busy = quiet_pass();
  busy.applied.insert("web");
  busy.live_after = probe_all(m_layout, m_hashes, {}, m_cache);
  m_quiet.remember(busy, m_layout, m_cache, &m_web);
  EXPECT_FALSE(reuses_at(next_commit()));
  ASSERT_NE(m_quiet.reprobe_only(), nullptr);
  EXPECT_EQ(*m_quiet.reprobe_only(), (std::set<std::string>{"web"}));
}

TEST_F(QuietPollTest, APassThatStoodOnTheLastProbeLeavesThePeriodicFullPassDue) {
  full_pass();
  full_pass();
  m_clock.advance(QuietPoll::k_full_pass_every - std::chrono::seconds(1));
  ASSERT_FALSE(reuses_at(next_commit()));
  ASSERT_NE(m_quiet.reprobe_only(), nullptr);
  PassResult planned = quiet_pass();
  planned.desired = next_commit();
  planned.state_commit = planned.desired->state_commit;
  planned.live_after = m_quiet.last_live();
  m_quiet.remember(planned, m_layout, m_cache, m_quiet.reprobe_only());
  EXPECT_TRUE(reuses_at(next_commit())) << "quiet at the new commit";
  m_clock.advance(std::chrono::seconds(1));
  EXPECT_FALSE(reuses_at(next_commit())) << "no full probe for 30 s: the periodic full pass";
  EXPECT_EQ(m_quiet.reprobe_only(), nullptr);
}

}  // namespace
}  // namespace tether::quiet_poll_test
