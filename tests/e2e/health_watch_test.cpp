// Health is watched all the time (issue #17), end to end: after its gate a service is probed at
// its interval; a hung process (SIGSTOP) is seen unhealthy within failureThreshold x interval,
// shown as such in /status and /metrics, restarted, and reported healthy again. After an
// auto-rollback, what serves is repaired while the quarantine stays.
#include "agent_fixture.hpp"
#include "process_guard.hpp"

#include <atomic>
#include <functional>
#include <signal.h>
#include <thread>

namespace tether::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class HealthWatchTest : public AgentTest {
 protected:
  HealthWatchTest() {
    m_health =
        "  health:\n    http: {url: \"http://127.0.0.1:PORT/healthz\"}\n"
        "    timeout: 500ms\n    interval: 200ms\n    successes: 1\n    failureThreshold: 3\n"
        "    deadline: 4s\n";
  }

  /// GET /status's entry for hello ({} when the API does not answer yet).
  [[nodiscard]] nlohmann::json hello_status(int api) const {
    const std::string body = http_get(api, "/status");
    if (body.empty() || !nlohmann::json::accept(body)) return nlohmann::json::object();
    for (const auto& service :
         nlohmann::json::parse(body).value("services", nlohmann::json::array())) {
      if (service.value("service", "") == "hello") return service;
    }
    return nlohmann::json::object();
  }

  /// Journal entries of hello with `action`.
  [[nodiscard]] std::vector<nlohmann::json> hello_entries(const std::string& action) const {
    std::vector<nlohmann::json> found;
    for (const auto& entry : journal(m_root)) {
      if (entry["service"] == "hello" && entry["action"] == action) found.push_back(entry);
    }
    return found;
  }
};

/// Polls /status and /metrics from a thread of its own while the test acts, remembering
/// whether they ever said hello was unhealthy (the window lasts as long as the restart takes).
class UnhealthySightings {
 public:
  UnhealthySightings(std::function<nlohmann::json()> hello_status, int api)
      : m_thread([this, hello_status = std::move(hello_status), api] {
          while (!m_stop) {
            if (hello_status().value("state", "") == "unhealthy") m_status = true;
            if (http_get(api, "/metrics").find("tether_service_healthy{service=\"hello\"} 0") !=
                std::string::npos)
              m_metrics = true;
            std::this_thread::sleep_for(milliseconds(25));  // sampling: a brief state is seen
          }
        }) {}
  ~UnhealthySightings() {
    m_stop = true;
    m_thread.join();
  }
  UnhealthySightings(const UnhealthySightings&) = delete;
  UnhealthySightings& operator=(const UnhealthySightings&) = delete;

  std::atomic<bool> m_status = false;
  std::atomic<bool> m_metrics = false;

 private:
  std::atomic<bool> m_stop = false;
  std::thread m_thread;
};

TEST_F(HealthWatchTest, AHungProcessIsSeenUnhealthyRestartedAndHealthyAgain) {
  commit_hello("1.0.0");
  const int api = free_port();
  // A long poll interval: the health watch, not the next poll, must bring the restart.
  start_daemon("30s", api);
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  ASSERT_TRUE(
      eventually([&] { return hello_status(api).value("state", "") == "converged"; }, seconds(15)))
      << daemon_log();
  const pid_t hung = service_pid();
  {
    UnhealthySightings seen([&] { return hello_status(api); }, api);
    ::kill(hung, SIGSTOP);
    // failureThreshold x interval + 5 s (issue #17): seen, restarted, serving again.
    EXPECT_TRUE(eventually([&] { return service_pid() != hung && hello_says() == "hello 1.0.0\n"; },
                           milliseconds(3 * 200) + seconds(5)))
        << daemon_log();
    EXPECT_TRUE(eventually([&] { return seen.m_status && seen.m_metrics; }, seconds(2)))
        << "/status and /metrics said unhealthy in between";
  }
  // The new process answers before its gate ends and the restart is journaled.
  ASSERT_TRUE(eventually([&] { return !hello_entries("restart").empty(); }, seconds(5)))
      << daemon_log();
  const auto unhealthy = hello_entries("unhealthy");
  ASSERT_EQ(unhealthy.size(), 1u) << "journaled once";
  EXPECT_NE(unhealthy[0]["reason"].get<std::string>().find("3 failed probes in a row"),
            std::string::npos)
      << unhealthy[0].dump();
  const auto restarts = hello_entries("restart");
  ASSERT_EQ(restarts.size(), 1u);
  EXPECT_EQ(restarts[0]["result"], "ok");
  EXPECT_EQ(restarts[0]["reason"].get<std::string>().rfind("unhealthy: ", 0), 0u);
  EXPECT_TRUE(
      eventually([&] { return hello_status(api).value("state", "") == "converged"; }, seconds(5)));
  EXPECT_NE(http_get(api, "/metrics").find("tether_service_healthy{service=\"hello\"} 1"),
            std::string::npos);
  EXPECT_NE(http_get(api, "/metrics").find("tether_converged{service=\"hello\"} 1"),
            std::string::npos);
  EXPECT_EQ(stop_daemon(), 0);
}

TEST_F(HealthWatchTest, AfterAnAutoRollbackWhatServesIsRepairedAndTheQuarantineStays) {
  commit_hello("1.0.0");
  const int api = free_port();
  start_daemon("500ms", api);
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  commit_hello("2.0.0", Build::broken_health);
  ASSERT_TRUE(eventually([&] { return !hello_entries("auto-rollback").empty(); }, seconds(20)))
      << daemon_log();
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  ASSERT_TRUE(eventually([&] { return hello_status(api).value("state", "") == "quarantined"; },
                         seconds(5)));
  const pid_t serving = service_pid();
  ::kill(-serving, SIGKILL);
  // Within 2 poll intervals (the gate's 200 ms on top): back, with the release that passed.
  EXPECT_TRUE(
      eventually([&] { return service_pid() != serving && hello_says() == "hello 1.0.0\n"; },
                 milliseconds(2 * 500 + 1500)))
      << daemon_log();
  EXPECT_EQ(hello_status(api).value("state", ""), "quarantined") << "the quarantine stays";
  EXPECT_EQ(hello_entries("auto-rollback").size(), 1u) << "2.0.0 was not tried again";
  EXPECT_EQ(stop_daemon(), 0);
}

TEST_F(HealthWatchTest, SigtermDuringAHealthGateStopsTheAgentAndTheNextStartTakesUp) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  m_health =
      "  health:\n    http: {url: \"http://127.0.0.1:PORT/healthz\"}\n"
      "    timeout: 500ms\n    interval: 200ms\n    deadline: 8s\n";
  commit_hello("2.0.0", Build::broken_health);
  const pid_t agent = start_daemon("500ms");
  ASSERT_TRUE(
      eventually([&] { return daemon_log().find("switched service=hello") != std::string::npos; },
                 seconds(20)))
      << daemon_log();
  ::kill(agent, SIGTERM);
  // Mid-gate (its deadline is 8 s away): the agent stops within 5 s, judging nothing.
  EXPECT_TRUE(eventually([&] { return !process_running(agent); }, seconds(5))) << daemon_log();
  EXPECT_EQ(stop_daemon(), 0);
  EXPECT_TRUE(hello_entries("auto-rollback").empty()) << "nothing was judged";
  EXPECT_TRUE(hello_entries("upgrade").empty()) << "nor journaled as failed";
  // The next start puts current back on 1.0.0 and tries 2.0.0 again behind its gate.
  start_daemon("500ms");
  EXPECT_TRUE(eventually(
      [&] {
        const auto rollbacks = hello_entries("auto-rollback");
        return !rollbacks.empty() && rollbacks.back()["result"] == "ok" &&
               hello_says() == "hello 1.0.0\n";
      },
      seconds(30)))
      << daemon_log();
  EXPECT_EQ(stop_daemon(), 0);
}

}  // namespace
}  // namespace tether::test
