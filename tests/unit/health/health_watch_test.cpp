#include "health/health_watch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace tether::health_watch_test {
namespace {

using std::chrono::milliseconds;

HealthSpec spec(int threshold, int successes = 1) {
  HealthSpec health{TcpProbe{"127.0.0.1:1"}};
  health.interval = milliseconds(100);
  health.failure_threshold = threshold;
  health.successes = successes;
  return health;
}

TEST(HealthTally, UnhealthyAfterTheThresholdAndHealthyAgainAfterTheSuccesses) {
  HealthState state;
  const HealthSpec health = spec(3, 2);
  EXPECT_FALSE(tally_probe(state, {false, "refused"}, health));
  EXPECT_FALSE(tally_probe(state, {false, "refused"}, health));
  EXPECT_TRUE(state.healthy) << "two failures are not three";
  EXPECT_TRUE(tally_probe(state, {false, "HTTP 500"}, health));
  EXPECT_FALSE(state.healthy);
  EXPECT_EQ(state.failures, 3);
  EXPECT_FALSE(state.since.empty());
  EXPECT_EQ(describe_unhealthy(state).rfind("HTTP 500; 3 failed probes in a row since ", 0), 0u);
  EXPECT_FALSE(tally_probe(state, {false, "HTTP 500"}, health)) << "no flip while it stays down";
  EXPECT_FALSE(tally_probe(state, {true, "HTTP 200"}, health));
  EXPECT_FALSE(tally_probe(state, {false, "HTTP 500"}, health)) << "one pass is not two";
  EXPECT_FALSE(tally_probe(state, {true, "HTTP 200"}, health));
  EXPECT_TRUE(tally_probe(state, {true, "HTTP 200"}, health));
  EXPECT_TRUE(state.healthy);
  EXPECT_EQ(state.failures, 0);
}

/// Answers what the test scripts, counting the probes.
class ScriptedWatchProber final : public Prober {
 public:
  ProbeResult probe(const Probe&, Millis, const std::filesystem::path&) override {
    ++probes;
    return {healthy.load(), healthy ? "ok" : "down"};
  }
  std::atomic<bool> healthy = true;
  std::atomic<int> probes = 0;
};

/// The watch's change reports, waited for with a deadline.
class Changes {
 public:
  void add(const std::string& service, const HealthState& state) {
    std::lock_guard lock(m_mutex);
    m_seen.emplace_back(service, state.healthy);
    m_changed.notify_all();
  }
  bool wait_for(size_t count) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(
        lock, std::chrono::seconds(10), [&] { return m_seen.size() >= count; });
  }
  std::vector<std::pair<std::string, bool>> seen() {
    std::lock_guard lock(m_mutex);
    return m_seen;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<std::pair<std::string, bool>> m_seen;
};

TEST(HealthWatch, ReportsTurningUnhealthyAndHealthyAgainAndStartsAfreshForANewGeneration) {
  ScriptedWatchProber prober;
  Changes changes;
  HealthWatch watch(prober,
                    [&](const std::string& s, const HealthState& st) { changes.add(s, st); });
  watch.watch({{"web", WatchTarget{spec(2), "/", "fp/1"}}});
  prober.healthy = false;
  ASSERT_TRUE(changes.wait_for(1));
  EXPECT_EQ(changes.seen()[0], std::make_pair(std::string("web"), false));
  EXPECT_EQ(watch.unhealthy().count("web"), 1u);
  // The same target handed over again (a pass that changed nothing) keeps the verdict...
  watch.watch({{"web", WatchTarget{spec(2), "/", "fp/1"}}});
  EXPECT_EQ(watch.unhealthy().count("web"), 1u);
  // ...a new generation (restarted) starts healthy.
  watch.watch({{"web", WatchTarget{spec(2), "/", "fp/2"}}});
  EXPECT_TRUE(watch.unhealthy().empty());
  prober.healthy = true;
  watch.watch({{"web", WatchTarget{spec(2), "/", "fp/3"}}});
  prober.healthy = false;
  ASSERT_TRUE(changes.wait_for(2));
  prober.healthy = true;
  ASSERT_TRUE(changes.wait_for(3));
  EXPECT_EQ(changes.seen()[2], std::make_pair(std::string("web"), true));
}

}  // namespace
}  // namespace tether::health_watch_test
