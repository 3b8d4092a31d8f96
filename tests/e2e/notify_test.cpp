// Readiness and watchdog from the service itself (issue #23), end to end: hello in its
// sd_notify mode (HELLO_NOTIFY=1) gates on READY=1, a build that never says it is ready is
// rolled back, and a service whose watchdog pings stop is restarted with the reason journaled.
#include "agent_fixture.hpp"

namespace tether::test {
namespace {

using std::chrono::seconds;

class NotifyTest : public AgentTest {
 protected:
  /// Commits hello `version` gating on READY=1 (with `health` below the probe), run with
  /// `env` ("HELLO_NOTIFY: \"1\"" ...).
  std::string commit_notify_hello(const std::string& version,
                                  Build build,
                                  const std::string& probe,
                                  const std::string& env) {
    m_health = "  health:\n    notify: " + probe +
               "\n    timeout: 500ms\n    interval: 100ms\n    successes: 1\n"
               "    failureThreshold: 1\n    deadline: 2s\n";
    const HelloRelease& r = release(version, build);
    std::string manifest = hello_manifest(r);
    const std::string stop = "      stopTimeout: 5s\n";
    manifest.replace(manifest.find(stop), stop.size(), stop + "      env: {" + env + "}\n");
    m_repo->write("config/hello/hello.conf",
                  "port=" + std::to_string(m_port) + "\nmessage=hello\n");
    m_repo->write("services/hello.yaml", manifest);
    return m_repo->commit("hello " + version);
  }

  /// How many lines of hello's log contain `text`.
  [[nodiscard]] size_t log_count(const std::string& text) const {
    const std::string log = read_text(m_root / "services" / "hello" / "log" / "service.log");
    size_t count = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++count;
    return count;
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

TEST_F(NotifyTest, ReadyPassesTheGateAndABuildThatNeverSaysItIsRolledBack) {
  commit_notify_hello("1.0.0", Build::healthy, "{}", "HELLO_NOTIFY: \"1\"");
  const CommandResult first = tether({"run", "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "serving once the gate passed";
  EXPECT_NE(first.err.find("READY=1 from pid"), std::string::npos) << first.err;

  // 2.0.0 listens (its port answers) but never sends READY=1: the gate waits for it alone.
  commit_notify_hello("2.0.0", Build::broken_health, "{}", "HELLO_NOTIFY: \"1\"");
  const CommandResult second = tether({"run", "--once"});
  EXPECT_EQ(second.exit_code, 1) << second.err;
  const auto rollbacks = hello_entries("auto-rollback");
  ASSERT_EQ(rollbacks.size(), 1u) << second.err;
  EXPECT_EQ(rollbacks[0]["result"], "ok");
  EXPECT_NE(rollbacks[0]["reason"].get<std::string>().find("waiting for READY=1 from pid"),
            std::string::npos)
      << rollbacks[0].dump();
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n")) << "1.0.0 said READY=1 again";
}

TEST_F(NotifyTest, AServiceWhoseWatchdogPingsStopIsRestarted) {
  // WATCHDOG_USEC 1 s: hello pings every 500 ms, twice, then goes quiet while still serving.
  commit_notify_hello("1.0.0",
                      Build::healthy,
                      "{watchdogSec: 1}",
                      "HELLO_NOTIFY: \"1\", HELLO_WATCHDOG_STOP_AFTER: \"2\"");
  const int api = free_port();
  // A long poll interval: the watchdog, not the next poll, must bring the restart.
  start_daemon("30s", api);
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n")) << daemon_log();
  ASSERT_TRUE(eventually([&] { return service_pid() != 0; }, seconds(5)));
  const pid_t quiet = service_pid();
  EXPECT_TRUE(eventually([&] { return !hello_entries("restart").empty(); }, seconds(8)))
      << daemon_log();
  EXPECT_NE(service_pid(), quiet);
  const auto unhealthy = hello_entries("unhealthy");
  ASSERT_FALSE(unhealthy.empty()) << daemon_log();
  EXPECT_NE(unhealthy[0]["reason"].get<std::string>().find(
                "watchdog missed: no WATCHDOG=1 from pid " + std::to_string(quiet)),
            std::string::npos)
      << unhealthy[0].dump();
  EXPECT_EQ(hello_entries("restart")[0]["reason"].get<std::string>().rfind("unhealthy: ", 0), 0u);
  EXPECT_EQ(stop_daemon(), 0);
}

TEST_F(NotifyTest, AnAgentRestartDoesNotFireTheWatchdogAndHearsThePingsAgain) {
  commit_notify_hello("1.0.0", Build::healthy, "{watchdogSec: 1}", "HELLO_NOTIFY: \"1\"");
  start_daemon("30s");
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n")) << daemon_log();
  ASSERT_TRUE(eventually([&] { return log_count("WATCHDOG=1 sent") >= 1; }, seconds(5)));
  const pid_t running = service_pid();
  ASSERT_EQ(stop_daemon(), 0);
  // Down for longer than the watchdog: two pings (500 ms apart) reach no one.
  ASSERT_TRUE(eventually([&] { return log_count("WATCHDOG=1 not delivered") >= 2; }, seconds(5)));
  start_daemon("30s");
  ASSERT_TRUE(eventually(
      [&] { return daemon_log().find("notify socket bound again") != std::string::npos; },
      seconds(10)))
      << daemon_log();
  // Three pings taken by the new agent's socket (1.5 s, past the 1 s watchdog): the service
  // was neither blamed for the gap nor for pings the new agent could not hear.
  const size_t sent = log_count("WATCHDOG=1 sent");
  EXPECT_TRUE(eventually([&] { return log_count("WATCHDOG=1 sent") >= sent + 3; }, seconds(5)));
  EXPECT_EQ(service_pid(), running);
  EXPECT_TRUE(hello_entries("unhealthy").empty()) << daemon_log();
  EXPECT_TRUE(hello_entries("restart").empty());
  EXPECT_EQ(stop_daemon(), 0);
}

}  // namespace
}  // namespace tether::test
