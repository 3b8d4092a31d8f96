// Socket hand-off switches end to end, without a proxy: the agent holds hello's listening
// socket and passes it to each release (LISTEN_FDS), hello serves it, and a thread of the test
// keeps requesting on that one port meanwhile: an upgrade, a `git revert` and a release that
// never says READY=1 fail no request; a kill -9 of the agent at each step of the switch leaves
// a release that answers on the port, and the next start converges on the new release alone.
#include "agent_fixture.hpp"
#include "process_guard.hpp"
#include "steady_load.hpp"

#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

using std::chrono::seconds;

class HandoffTest : public AgentTest {
 protected:
  HandoffTest() {
    m_health =
        "  health:\n    notify: {}\n    timeout: 500ms\n    interval: 100ms\n    successes: 1\n"
        "    failureThreshold: 1\n    deadline: 2s\n";
  }

  /// Commits hello `version` switched by socket hand-off on the test's port, gated on READY=1.
  std::string commit_handoff(const std::string& version, Build build = Build::healthy) {
    std::string manifest = hello_manifest(release(version, build));
    const std::string stop = "      stopTimeout: 5s\n";
    manifest.replace(manifest.find(stop), stop.size(), stop + "      env: {HELLO_NOTIFY: \"1\"}\n");
    manifest +=
        "  switch:\n    strategy: socket-handoff\n    drainTimeout: 5s\n    socketHandoff:\n"
        "      sockets: [{name: http, port: " +
        std::to_string(m_port) + "}]\n";
    // hello would bind this port itself without LISTEN_FDS, and fail: the agent holds it.
    m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\n");
    m_repo->write("services/hello.yaml", manifest);
    return m_repo->commit("hello " + version);
  }

  CommandResult run_once(const std::map<std::string, std::string>& env = {}) const {
    return run_command({TETHER_BIN,
                        "run",
                        "--once",
                        "--repo",
                        repo_url(),
                        "--host-id",
                        "e2e-host",
                        "--root",
                        m_root.string()},
                       {},
                       seconds(60),
                       env);
  }

  /// hello processes alive (serving, candidate or retiring).
  [[nodiscard]] int hello_processes() const {
    int count = 0;
    for (const char* slot : {"exec.pid", "candidate.pid", "retiring.pid"}) {
      const auto text = read_text(m_root / "services/hello/run" / slot);
      if (text.empty()) continue;
      const auto json = nlohmann::json::parse(text);
      if (process_running(json["pid"].get<pid_t>())) ++count;
    }
    return count;
  }

  [[nodiscard]] std::string serving_release() const {
    const auto text = read_text(m_root / "services/hello/run/exec.pid");
    return text.empty() ? "" : nlohmann::json::parse(text)["release"].get<std::string>();
  }
};

std::string describe(const SteadyLoad& load) {
  std::string text = "answers:";
  for (const auto& [body, count] : load.answers())
    text += " [" + body + "]=" + std::to_string(count);
  const auto failures = load.failures();
  text += "; " + std::to_string(failures.size()) + " failed";
  for (size_t i = 0; i < failures.size() && i < 5; ++i) text += "; " + failures[i];
  return text;
}

TEST_F(HandoffTest, UpgradeRevertAndAReleaseThatNeverGetsReadyFailNoRequest) {
  commit_handoff("1.0.0");
  const CommandResult first = run_once();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(hello_says(), "hello 1.0.0\n") << first.err;
  EXPECT_NE(read_text(m_root / "services/hello/log/service.log").find("handed over: LISTEN_FDS"),
            std::string::npos)
      << "hello serves the socket it was passed";
  const pid_t first_pid = service_pid();
  const CommandResult status_before = tether({"status"});
  EXPECT_NE(status_before.out.find("pid " + std::to_string(first_pid) +
                                   ", holds http=127.0.0.1:" + std::to_string(m_port)),
            std::string::npos)
      << status_before.out;
  SteadyLoad load(m_port, "/");
  ASSERT_TRUE(eventually([&] { return load.answered() >= 20; }, seconds(5))) << describe(load);

  const std::string upgrade = commit_handoff("2.0.0");
  const CommandResult second = run_once();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("sockets handed over"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("from pid " + std::to_string(first_pid)), std::string::npos)
      << "the agent took the socket from the serving release: " << second.err;
  ASSERT_TRUE(eventually([&] { return load.answers()["hello 2.0.0\n"] >= 20; }, seconds(5)))
      << describe(load);
  EXPECT_FALSE(process_running(first_pid)) << "1.0.0 drained and exited";
  EXPECT_EQ(hello_processes(), 1);
  const int answered_after_upgrade = load.answered();

  // `git revert` of the upgrade: an ordinary switch, as gentle.
  m_repo->revert(upgrade);
  const CommandResult third = run_once();
  ASSERT_EQ(third.exit_code, 0) << third.err;
  ASSERT_TRUE(
      eventually([&] { return load.answered() >= answered_after_upgrade + 40; }, seconds(5)));
  EXPECT_EQ(serving_release().rfind("1.0.0", 0), 0u) << serving_release();

  // 3.0.0 serves / but never says READY=1: it takes some requests during its gate (the
  // documented price of no proxy), fails the gate and is stopped; 1.0.0 never stopped.
  const pid_t serving = service_pid();
  commit_handoff("3.0.0", Build::broken_health);
  const CommandResult broken = run_once();
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  EXPECT_EQ(service_pid(), serving) << "the old release kept serving";
  const int answered_after_broken = load.answered();
  ASSERT_TRUE(
      eventually([&] { return load.answered() >= answered_after_broken + 20; }, seconds(5)));
  load.stop();
  std::cerr << "socket hand-off load: " << describe(load) << "\n";

  EXPECT_TRUE(load.failures().empty()) << describe(load);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  EXPECT_EQ(hello_processes(), 1) << "the old ones drained and exited, the broken one stopped";
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("quarantined"), std::string::npos) << status.out;
  bool rolled_back = false;
  for (const auto& entry : journal(m_root))
    rolled_back = rolled_back || (entry["action"] == "auto-rollback" && entry["result"] == "ok");
  EXPECT_TRUE(rolled_back);
}

TEST_F(HandoffTest, AKillAtEachStepOfTheSwitchLeavesAReleaseServingAndTheNextStartConverges) {
  commit_handoff("1.0.0");
  ASSERT_EQ(run_once().exit_code, 0);
  SteadyLoad load(m_port, "/");
  int minor = 0;
  for (const char* point :
       {"socket-handoff-acquired", "socket-handoff-gated", "socket-handoff-promoted"}) {
    SCOPED_TRACE(point);
    const std::string version = "1.1." + std::to_string(++minor);
    commit_handoff(version);
    const CommandResult killed = run_once({{"TETHER_FAULT", point}});
    // Boost.Process reports a death by signal as the signal's number.
    ASSERT_EQ(killed.exit_code, SIGKILL) << "the fault point was not reached: " << killed.err;
    // A release answers on the port, without the agent.
    const int before = load.answered();
    ASSERT_TRUE(eventually([&] { return load.answered() >= before + 20; }, seconds(5)))
        << describe(load);
    EXPECT_TRUE(load.failures().empty()) << describe(load);
    // The next start converges: the new release serves alone.
    const CommandResult next = run_once();
    ASSERT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(hello_says(), "hello " + version + "\n");
    EXPECT_EQ(hello_processes(), 1);
  }
  load.stop();
  EXPECT_TRUE(load.failures().empty()) << describe(load);
}

TEST_F(HandoffTest, AManifestWithoutHealthNotifyIsRefusedNamingTheField) {
  m_health = "  health:\n    http: {url: \"http://127.0.0.1:PORT/healthz\"}\n";
  commit_handoff("1.0.0");
  const CommandResult validate =
      run_command({TETHER_BIN, "validate", "--repo", m_repo->work().string(), "HEAD"});
  EXPECT_NE(validate.exit_code, 0);
  const std::string text = validate.out + validate.err;
  EXPECT_NE(text.find("spec.health.notify"), std::string::npos) << text;
  EXPECT_NE(text.find("socket-handoff"), std::string::npos) << text;
}

}  // namespace
}  // namespace tether::test
