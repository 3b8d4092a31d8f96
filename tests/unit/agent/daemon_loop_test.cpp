// The daemon loop on a fake clock: signals arrive at scripted times, passes are recorded with
// the (fake) time they ran at. No signal, process or socket is involved; nothing really waits.
#include "agent/daemon_loop.hpp"

#include "fake_clock.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace tether::daemon_loop_test {
namespace {

using std::chrono::seconds;
using test::FakeClock;

Millis since_start(const FakeClock& clock) {
  return std::chrono::duration_cast<Millis>(clock.now() - Clock::TimePoint{});
}

/// Delivers each scripted signal at its time (since the clock's start), and moves the clock as
/// a real wait would: to the signal when one comes within the timeout, else by the timeout.
class ScriptedSignals final : public SignalSource {
 public:
  explicit ScriptedSignals(FakeClock& clock) : m_clock(clock) {}

  void send_at(Millis at, AgentSignal signal) { m_script.emplace(at, signal); }

  AgentSignal wait(Millis timeout) override {
    m_waits.push_back(timeout);
    if (m_waits.size() > 100) {
      ADD_FAILURE() << "the loop never stopped";
      return AgentSignal::stop;
    }
    const Millis now = since_start(m_clock);
    if (!m_script.empty() && m_script.begin()->first <= now + timeout) {
      const auto [at, signal] = *m_script.begin();
      m_script.erase(m_script.begin());
      if (at > now) m_clock.advance(at - now);
      return signal;
    }
    m_clock.advance(timeout);
    return AgentSignal::none;
  }

  /// Whether a SIGTERM has arrived and was not taken yet: what termination_requested() sees.
  [[nodiscard]] bool stop_pending() const {
    for (const auto& [at, signal] : m_script) {
      if (signal == AgentSignal::stop && at <= since_start(m_clock)) return true;
    }
    return false;
  }
  /// The timeouts the loop waited with, in order.
  [[nodiscard]] const std::vector<Millis>& waits() const { return m_waits; }

 private:
  FakeClock& m_clock;
  std::multimap<Millis, AgentSignal> m_script;
  std::vector<Millis> m_waits;
};

struct PassRecord {
  Millis at;
  PassTrigger trigger;
  bool operator==(const PassRecord&) const = default;
};

/// Passes that take `duration` on the clock and end with the scripted outcomes (converged once
/// the script runs out). Like the Reconciler, a pass ends `stopping` when a SIGTERM came during
/// it, unless `notices_stop` is off (the signal came after its last check).
class FakePasses final : public PassRunner {
 public:
  FakePasses(FakeClock& clock, const ScriptedSignals& signals)
      : m_clock(clock), m_signals(signals) {}

  PassResult run(PassTrigger trigger) override {
    runs.push_back({since_start(m_clock), trigger});
    m_clock.advance(duration);
    PassResult result;
    if (runs.size() <= outcomes.size()) result.outcome = outcomes[runs.size() - 1];
    result.stopping = notices_stop && m_signals.stop_pending();
    return result;
  }
  void publish(const PassResult& result, Clock::TimePoint::duration took) override {
    published.push_back({result.outcome, std::chrono::duration_cast<Millis>(took)});
  }

  Millis duration{0};
  std::vector<PassOutcome> outcomes;
  bool notices_stop = true;
  std::vector<PassRecord> runs;
  std::vector<std::pair<PassOutcome, Millis>> published;

 private:
  FakeClock& m_clock;
  const ScriptedSignals& m_signals;
};

class DaemonLoopTest : public ::testing::Test {
 protected:
  /// The loop with an interval of 60 s, `jitter_percent` and every random draw at `draw`.
  void run_loop(int jitter_percent = 0, double draw = 0.5) {
    DaemonLoop loop(
        PollSchedule{seconds(60), jitter_percent}, m_signals, m_clock, m_passes, [draw] {
          return draw;
        });
    loop.run();
  }

  FakeClock m_clock;
  ScriptedSignals m_signals{m_clock};
  FakePasses m_passes{m_clock, m_signals};
};

constexpr PassTrigger k_schedule = PassTrigger::schedule;

TEST_F(DaemonLoopTest, FirstPollAfterAShareOfTheJitterWindowThenEveryInterval) {
  m_signals.send_at(seconds(200), AgentSignal::stop);
  run_loop(/*jitter_percent=*/10, /*draw=*/0.5);
  // 0.5 of the 6 s window first, then 60 s spread by +-10% around its middle: 60 s.
  const std::vector<PassRecord> expected = {{seconds(3), k_schedule},
                                            {seconds(63), k_schedule},
                                            {seconds(123), k_schedule},
                                            {seconds(183), k_schedule}};
  EXPECT_EQ(m_passes.runs, expected);
  EXPECT_EQ(since_start(m_clock), seconds(200)) << "stopped when SIGTERM came, mid-wait";
  EXPECT_EQ(m_passes.published.size(), 4u) << "every pass is published";
}

TEST_F(DaemonLoopTest, TheJitterDrawSetsEachWait) {
  m_signals.send_at(seconds(100), AgentSignal::stop);
  run_loop(/*jitter_percent=*/10, /*draw=*/0.0);
  EXPECT_EQ(m_signals.waits(), (std::vector<Millis>{seconds(0), seconds(54), seconds(54)}));
}

TEST_F(DaemonLoopTest, SigtermBeforeTheFirstPassStopsWithoutAPass) {
  m_signals.send_at(seconds(1), AgentSignal::stop);
  run_loop(/*jitter_percent=*/10, /*draw=*/0.5);
  EXPECT_TRUE(m_passes.runs.empty());
  EXPECT_TRUE(m_passes.published.empty());
  EXPECT_EQ(since_start(m_clock), seconds(1));
}

TEST_F(DaemonLoopTest, SigtermDuringAPassEndsTheLoopWhenThePassReturns) {
  m_passes.duration = seconds(10);
  m_signals.send_at(seconds(5), AgentSignal::stop);
  run_loop();
  ASSERT_EQ(m_passes.runs.size(), 1u);
  EXPECT_EQ(m_signals.waits(), std::vector<Millis>{seconds(0)}) << "no wait after it";
  ASSERT_EQ(m_passes.published.size(), 1u) << "the stopped pass is still published";
  EXPECT_EQ(m_passes.published[0].second, seconds(10)) << "with how long it took";
  EXPECT_EQ(since_start(m_clock), seconds(10));
}

TEST_F(DaemonLoopTest, ASigtermAfterThePassesLastCheckIsTakenAtOnceAfterIt) {
  m_passes.duration = seconds(10);
  m_passes.notices_stop = false;
  m_signals.send_at(seconds(9), AgentSignal::stop);
  run_loop();
  EXPECT_EQ(m_passes.runs.size(), 1u);
  EXPECT_EQ(since_start(m_clock), seconds(10)) << "not a whole interval later";
}

TEST_F(DaemonLoopTest, AnUnreachableRepoBacksOffUpToTheCapAndAReachableOneResets) {
  using P = PassOutcome;
  m_passes.outcomes = {P::unreachable,
                       P::unreachable,
                       P::unreachable,
                       P::unreachable,
                       P::unreachable,
                       P::converged,
                       P::converged};
  m_signals.send_at(seconds(1330), AgentSignal::stop);
  run_loop();
  const std::vector<Millis> waits = {seconds(0),
                                     seconds(120),
                                     seconds(240),
                                     seconds(300),
                                     seconds(300),
                                     seconds(300),
                                     seconds(60),
                                     seconds(60)};
  EXPECT_EQ(m_signals.waits(), waits);
  EXPECT_EQ(m_passes.runs.size(), 7u);
}

TEST_F(DaemonLoopTest, OnlyAnUnreachableRepoCountsAsAFailedPoll) {
  using P = PassOutcome;
  m_passes.outcomes = {P::unreachable, P::refused, P::unreachable, P::failed};
  m_signals.send_at(seconds(400), AgentSignal::stop);
  run_loop();
  const std::vector<Millis> waits = {
      seconds(0), seconds(120), seconds(60), seconds(120), seconds(60), seconds(60)};
  EXPECT_EQ(m_signals.waits(), waits);
}

TEST_F(DaemonLoopTest, SigtermDuringABackoffWaitStopsAtOnce) {
  m_passes.outcomes = {PassOutcome::unreachable, PassOutcome::unreachable};
  m_signals.send_at(seconds(200), AgentSignal::stop);  // in the 240 s wait after the second
  run_loop();
  EXPECT_EQ(m_passes.runs.size(), 2u);
  EXPECT_EQ(since_start(m_clock), seconds(200));
}

TEST_F(DaemonLoopTest, AWebhookPollsAtOnceAndTheNextPollIsAnIntervalAfterIt) {
  m_signals.send_at(seconds(10), AgentSignal::poll_now);
  m_signals.send_at(seconds(100), AgentSignal::stop);
  run_loop();
  const std::vector<PassRecord> expected = {{seconds(0), k_schedule},
                                            {seconds(10), PassTrigger::operator_asked},
                                            {seconds(70), k_schedule}};
  EXPECT_EQ(m_passes.runs, expected);
}

TEST_F(DaemonLoopTest, TheHealthWatchAsksForAPass) {
  m_signals.send_at(seconds(30), AgentSignal::health_changed);
  m_signals.send_at(seconds(60), AgentSignal::stop);
  run_loop();
  const std::vector<PassRecord> expected = {{seconds(0), k_schedule},
                                            {seconds(30), PassTrigger::health_changed}};
  EXPECT_EQ(m_passes.runs, expected);
}

TEST_F(DaemonLoopTest, ASignalDuringAPassRunsTheNextPassRightAfterIt) {
  m_passes.duration = seconds(5);
  m_signals.send_at(seconds(2), AgentSignal::poll_now);
  m_signals.send_at(seconds(30), AgentSignal::stop);
  run_loop();
  const std::vector<PassRecord> expected = {{seconds(0), k_schedule},
                                            {seconds(5), PassTrigger::operator_asked}};
  EXPECT_EQ(m_passes.runs, expected);
}

TEST_F(DaemonLoopTest, RunOnceRunsOneScheduledPassAndReturnsItsOutcome) {
  for (const PassOutcome outcome : {PassOutcome::converged,
                                    PassOutcome::failed,
                                    PassOutcome::refused,
                                    PassOutcome::unreachable}) {
    FakeClock clock;
    ScriptedSignals signals(clock);
    FakePasses passes(clock, signals);
    passes.duration = seconds(2);
    passes.outcomes = {outcome};
    EXPECT_EQ(run_single_pass(passes, clock), outcome);
    EXPECT_EQ(passes.runs, (std::vector<PassRecord>{{seconds(0), k_schedule}})) << "no wait";
    const std::vector<std::pair<PassOutcome, Millis>> published = {{outcome, seconds(2)}};
    EXPECT_EQ(passes.published, published);
  }
}

}  // namespace
}  // namespace tether::daemon_loop_test
