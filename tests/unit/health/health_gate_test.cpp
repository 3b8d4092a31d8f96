// The gate's timing rules with a scripted prober and a clock that only moves when slept on.
#include "health/health_gate.hpp"

#include "fake_clock.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace tether::health_gate_test {
namespace {

using test::FakeClock;

/// Answers from a script, one per probe; each probe takes `cost` of (fake) time.
class ScriptedProber final : public Prober {
 public:
  ScriptedProber(FakeClock& clock, std::deque<bool> script, Millis cost = Millis(10))
      : m_clock(clock), m_script(std::move(script)), m_cost(cost) {}
  ProbeResult probe(const Probe&, Millis timeout, const std::filesystem::path&) override {
    m_timeouts.push_back(timeout);
    m_clock.advance(std::min(m_cost, timeout));
    const bool healthy = m_script.empty() ? false : m_script.front();
    if (!m_script.empty()) m_script.pop_front();
    return {healthy, healthy ? "ok" : "HTTP 500"};
  }
  std::vector<Millis> m_timeouts;

 private:
  FakeClock& m_clock;
  std::deque<bool> m_script;
  Millis m_cost;
};

HealthSpec spec(int successes,
                Millis deadline,
                Millis interval = Millis(1000),
                Millis timeout = Millis(2000)) {
  HealthSpec s;
  s.probe = HttpProbe{"http://127.0.0.1:1/healthz", 200, ""};
  s.successes = successes;
  s.deadline = deadline;
  s.interval = interval;
  s.timeout = timeout;
  return s;
}

TEST(HealthGate, NeedsConsecutiveSuccesses) {
  FakeClock clock;
  ScriptedProber prober(clock, {true, false, true, true});
  const HealthVerdict verdict = await_healthy(spec(2, Millis(30'000)), "/r", prober, clock, {});
  EXPECT_TRUE(verdict.healthy);
  EXPECT_EQ(verdict.probes, 4) << "the failure in between resets the count";
}

TEST(HealthGate, GivesUpAtTheDeadlineWithTheLastProbeError) {
  FakeClock clock;
  ScriptedProber prober(clock, {});
  const HealthVerdict verdict = await_healthy(spec(1, Millis(5000)), "/r", prober, clock, {});
  EXPECT_FALSE(verdict.healthy);
  EXPECT_EQ(verdict.reason, "not healthy within 5s: HTTP 500");
  EXPECT_GE(verdict.elapsed, Millis(5000));
  EXPECT_LE(verdict.elapsed, Millis(5000) + Millis(10)) << "never sleeps past the deadline";
  EXPECT_EQ(verdict.probes, 5);
}

TEST(HealthGate, NeverLetsAProbeRunPastTheDeadline) {
  FakeClock clock;
  ScriptedProber prober(clock, {}, Millis(2000));
  (void)await_healthy(spec(1, Millis(3000), Millis(500), Millis(2000)), "/r", prober, clock, {});
  ASSERT_GE(prober.m_timeouts.size(), 2u);
  EXPECT_EQ(prober.m_timeouts[0], Millis(2000));
  EXPECT_EQ(prober.m_timeouts[1], Millis(500)) << "the second probe only gets what is left";
}

/// Fails with "HTTP 500" when given its full timeout and with a timeout when cut short.
class CutShortProber final : public Prober {
 public:
  explicit CutShortProber(FakeClock& clock) : m_clock(clock) {}
  ProbeResult probe(const Probe&, Millis timeout, const std::filesystem::path&) override {
    m_clock.advance(std::min(Millis(10), timeout));
    if (timeout < Millis(2000)) return {false, "Operation timed out after 2 milliseconds"};
    return {false, "HTTP 500"};
  }

 private:
  FakeClock& m_clock;
};

TEST(HealthGate, AProbeCutShortByTheDeadlineDoesNotHideTheRealFailure) {
  FakeClock clock;
  CutShortProber prober(clock);
  const HealthVerdict verdict =
      await_healthy(spec(1, Millis(4000), Millis(100), Millis(2000)), "/r", prober, clock, {});
  EXPECT_FALSE(verdict.healthy);
  EXPECT_EQ(verdict.reason, "not healthy within 4s: HTTP 500");
}

TEST(HealthGate, WaitsTheInitialDelayBeforeTheFirstProbe) {
  FakeClock clock;
  ScriptedProber prober(clock, {true});
  HealthSpec s = spec(1, Millis(30'000));
  s.initial_delay = Millis(4000);
  const HealthVerdict verdict = await_healthy(s, "/r", prober, clock, {});
  EXPECT_TRUE(verdict.healthy);
  EXPECT_GE(verdict.elapsed, Millis(4000));
}

TEST(HealthGate, FailsAtOnceWhenTheProcessIsGone) {
  FakeClock clock;
  ScriptedProber prober(clock, {});
  int checks = 0;
  const HealthVerdict verdict = await_healthy(spec(1, Millis(30'000)), "/r", prober, clock, [&] {
    return ++checks >= 2 ? std::string("process exited with status 1") : std::string();
  });
  EXPECT_FALSE(verdict.healthy);
  EXPECT_EQ(verdict.reason, "process exited with status 1");
  EXPECT_EQ(verdict.probes, 1);
  EXPECT_LT(verdict.elapsed, Millis(2000));
}

}  // namespace
}  // namespace tether::health_gate_test
