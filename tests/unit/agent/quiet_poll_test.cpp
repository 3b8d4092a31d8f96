#include "agent/quiet_poll.hpp"

#include "agent/reconciler.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tether
