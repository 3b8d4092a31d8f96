#include "fleet/fleet_wait.hpp"

#include "fake_clock.hpp"
#include "status_docs.hpp"

#include <gtest/gtest.h>

namespace tether::fleet::fleet_wait_test {
namespace {

using namespace test;
using tether::test::FakeClock;

/// Plays back one batch of replies per poll (the last one again when they run out); each
/// fetch takes `m_latency` on the clock and records the timeout it was given.
class ScriptedSource final : public StatusSource {
 public:
  ScriptedSource(FakeClock& clock,
                 std::vector<std::vector<Reply>> polls,
                 Millis latency = Millis(0))
      : m_clock(clock), m_polls(std::move(polls)), m_latency(latency) {}

  std::vector<Reply> fetch(const std::vector<std::string>& targets, Millis timeout) override {
    m_targets = targets;
    m_timeouts.push_back(timeout);
    m_clock.advance(std::min(m_latency, timeout));
    const size_t poll = std::min(m_timeouts.size() - 1, m_polls.size() - 1);
    return m_polls[poll];
  }

  FakeClock& m_clock;
  std::vector<std::vector<Reply>> m_polls;
  Millis m_latency;
  std::vector<std::string> m_targets;
  std::vector<Millis> m_timeouts;
};

const WaitGoal k_goal{"web", "2.0.0", "", 100};
const std::vector<std::string> k_targets = {url_of("a"), url_of("b")};

Reply at(const std::string& host, const std::string& state_text, const std::string& current) {
  return answered(host, document(host, state('c'), {service("web", state_text, "2.0.0", current)}));
}

WaitOptions options(Millis timeout, Millis interval) {
  return WaitOptions{timeout, interval, Millis(5000), true};
}

TEST(FleetWait, PollsUntilTheGoalIsMet) {
  FakeClock clock;
  const auto start = clock.now();
  ScriptedSource source(clock,
                        {{at("a", "pending", "1.0.0"), at("b", "pending", "1.0.0")},
                         {at("a", "converged", "2.0.0"), at("b", "pending", "1.0.0")},
                         {at("a", "converged", "2.0.0"), at("b", "converged", "2.0.0")}});
  std::vector<int> seen;
  const WaitResult result =
      wait_for_goal(source,
                    clock,
                    k_targets,
                    k_goal,
                    options(Millis(60'000), Millis(2000)),
                    [&](const GoalProgress& progress) { seen.push_back(progress.done); });
  EXPECT_EQ(result.outcome, WaitOutcome::met);
  EXPECT_EQ(result.polls, 3);
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(clock.now() - start, Millis(4000)) << "two intervals between three polls";
  EXPECT_EQ(source.m_targets, k_targets);
  EXPECT_EQ(result.hosts.size(), 2u);
  EXPECT_TRUE(result.progress.met);
}

TEST(FleetWait, TimesOutWithALastPollAtTheDeadline) {
  FakeClock clock;
  const auto start = clock.now();
  ScriptedSource source(clock, {{at("a", "converged", "2.0.0"), refused("b")}});
  const WaitResult result =
      wait_for_goal(source, clock, k_targets, k_goal, options(Millis(5000), Millis(2000)), nullptr);
  EXPECT_EQ(result.outcome, WaitOutcome::timed_out);
  EXPECT_EQ(result.polls, 4) << "at 0, 2, 4 and 5 s";
  EXPECT_EQ(clock.now() - start, Millis(5000));
  EXPECT_EQ(result.progress.done, 1);
  EXPECT_EQ(result.progress.counted, 2);
  EXPECT_EQ(result.progress.hosts.at(0).standing, Standing::unreachable);
}

TEST(FleetWait, TheLastPollAtTheDeadlineIsNotCutShort) {
  FakeClock clock;
  ScriptedSource source(clock, {{at("a", "pending", "1.0.0")}});
  WaitOptions opts = options(Millis(2000), Millis(1000));
  opts.request_timeout = Millis(3000);
  const WaitResult result = wait_for_goal(source, clock, k_targets, k_goal, opts, nullptr);
  EXPECT_EQ(result.outcome, WaitOutcome::timed_out);
  // A request cut to the time left (0 at the deadline) would make live agents time out.
  EXPECT_EQ(source.m_timeouts, (std::vector<Millis>{Millis(3000), Millis(3000), Millis(3000)}));
}

TEST(FleetWait, AQuarantinedReleaseFailsFastUnlessAskedNotTo) {
  const std::vector<std::vector<Reply>> polls = {
      {at("a", "pending", "1.0.0"), at("b", "pending", "1.0.0")},
      {at("a", "converged", "2.0.0"), at("b", "quarantined", "1.0.0")}};
  FakeClock clock;
  ScriptedSource source(clock, polls);
  const WaitResult fast = wait_for_goal(
      source, clock, k_targets, k_goal, options(Millis(60'000), Millis(1000)), nullptr);
  EXPECT_EQ(fast.outcome, WaitOutcome::quarantined);
  EXPECT_EQ(fast.polls, 2);

  FakeClock clock2;
  ScriptedSource source2(clock2, polls);
  WaitOptions patient = options(Millis(10'000), Millis(1000));
  patient.fail_on_quarantine = false;
  const WaitResult slow = wait_for_goal(source2, clock2, k_targets, k_goal, patient, nullptr);
  EXPECT_EQ(slow.outcome, WaitOutcome::timed_out);
  EXPECT_EQ(slow.polls, 11);
}

TEST(FleetWait, APartialGoalIsMetDespiteAnUnreachableHost) {
  FakeClock clock;
  ScriptedSource source(clock, {{at("a", "converged", "2.0.0"), refused("b")}});
  WaitGoal half = k_goal;
  half.percent = 50;
  const WaitResult result =
      wait_for_goal(source, clock, k_targets, half, options(Millis(5000), Millis(1000)), nullptr);
  EXPECT_EQ(result.outcome, WaitOutcome::met);
  EXPECT_EQ(result.polls, 1);
}

/// A reader (Prometheus) that cannot answer its first `failures` reads, then reads `replies`.
class FlakyReader final : public FleetReader {
 public:
  FlakyReader(int failures, std::vector<Reply> replies)
      : m_failures(failures), m_replies(std::move(replies)) {}
  Result<std::vector<HostView>> read(Millis /*timeout*/) override {
    if (m_failures-- > 0) return Error{"cannot ask Prometheus: connection refused", ""};
    std::vector<HostView> hosts;
    for (const Reply& reply : m_replies) hosts.push_back(host_view(reply));
    return hosts;
  }

 private:
  int m_failures;
  std::vector<Reply> m_replies;
};

TEST(FleetWait, AReadThatFailsIsReportedAndTheWaitGoesOn) {
  FakeClock clock;
  FlakyReader reader(2, {at("a", "converged", "2.0.0"), at("b", "converged", "2.0.0")});
  std::vector<std::string> errors;
  const WaitResult result = wait_for_goal(
      reader, clock, k_goal, options(Millis(60'000), Millis(1000)), {}, [&](const Error& error) {
        errors.push_back(error.message);
      });
  EXPECT_EQ(result.outcome, WaitOutcome::met);
  EXPECT_EQ(result.polls, 3);
  EXPECT_EQ(errors.size(), 2u);
  EXPECT_EQ(result.error, "");
}

TEST(FleetWait, AReaderThatNeverAnswersTimesOutWithItsError) {
  FakeClock clock;
  FlakyReader reader(1000, {});
  const WaitResult result =
      wait_for_goal(reader, clock, k_goal, options(Millis(3000), Millis(1000)), {});
  EXPECT_EQ(result.outcome, WaitOutcome::timed_out);
  EXPECT_NE(result.error.find("connection refused"), std::string::npos) << result.error;
  EXPECT_FALSE(result.progress.met);
}

}  // namespace
}  // namespace tether::fleet::fleet_wait_test
