// Blue-green switches behind a real HAProxy, end to end: the test starts haproxy on loopback
// (its admin socket in the test's temp dir), the agent moves the proxy's one server between
// hello's two ports, and a thread of the test keeps requesting through the proxy meanwhile:
// an upgrade and a `git revert` fail no request, a release that fails its gate answers no
// client, and a kill -9 at each step of the switch leaves traffic on a release that answers.
#include "agent_fixture.hpp"
#include "process_guard.hpp"
#include "steady_load.hpp"

#include <fstream>
#include <iostream>
#include <signal.h>
#include <sys/wait.h>

namespace tether::test {
namespace {

using std::chrono::seconds;

class BlueGreenTest : public AgentTest {
 protected:
  BlueGreenTest() {
    m_ports = {free_port(), free_port()};
    while (m_ports[1] == m_ports[0]) m_ports[1] = free_port();
    m_socket = m_tmp / "admin.sock";
    start_haproxy();
    // The probe names the proxy's port (what clients use): the gate points it at the new
    // release's own port, the health watch keeps it.
    m_health =
        "  health:\n    http: {url: \"http://127.0.0.1:PORT/healthz\"}\n"
        "    timeout: 1s\n    interval: 100ms\n    successes: 2\n    deadline: 2s\n";
  }

  void start_haproxy() {
    const std::filesystem::path config = m_tmp / "haproxy.cfg";
    std::ofstream(config) << "global\n"
                          << "  stats socket " << m_socket.string() << " mode 600 level admin\n"
                          << "defaults\n  mode http\n  timeout connect 1s\n"
                          << "  timeout client 10s\n  timeout server 10s\n"
                          << "  retries 3\n  retry-on conn-failure empty-response\n"
                          << "  option redispatch 1\n"
                          << "frontend web\n  bind 127.0.0.1:" << m_port << "\n"
                          << "  default_backend app\n"
                          << "backend app\n  option http-server-close\n"
                          << "  server live 127.0.0.1:" << m_ports[0] << "\n";
    m_haproxy_pid = spawn_background({"/usr/sbin/haproxy", "-db", "-f", config.string()},
                                     m_tmp / "haproxy.log");
    m_haproxy.reset(m_haproxy_pid);
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(m_socket); }, seconds(5)))
        << read_text(m_tmp / "haproxy.log");
  }

  /// Commits hello `version` switched blue-green behind the test's haproxy.
  std::string commit_blue_green(const std::string& version, Build build = Build::healthy) {
    std::string manifest = hello_manifest(release(version, build));
    manifest +=
        "  switch:\n    strategy: blue-green\n    drainTimeout: 1s\n    blueGreen:\n"
        "      ports: [" +
        std::to_string(m_ports[0]) + ", " + std::to_string(m_ports[1]) +
        "]\n      portEnv: HELLO_PORT\n      haproxy: {socket: " + m_socket.string() +
        ", backend: app, server: live}\n";
    m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_ports[0]) + "\n");
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

  [[nodiscard]] nlohmann::json serving_record() const {
    return nlohmann::json::parse(read_text(m_root / "services/hello/run/exec.pid"));
  }

  std::array<int, 2> m_ports{};
  std::filesystem::path m_socket;
  pid_t m_haproxy_pid = 0;
  ProcessGuard m_haproxy;
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

TEST_F(BlueGreenTest, UpgradeRevertAndABrokenReleaseFailNoRequestThroughTheProxy) {
  commit_blue_green("1.0.0");
  const CommandResult first = run_once();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(hello_says(), "hello 1.0.0\n") << first.err;

  const int first_port = serving_record()["port"].get<int>();
  EXPECT_TRUE(first_port == m_ports[0] || first_port == m_ports[1]) << first_port;
  SteadyLoad load(m_port, "/");
  ASSERT_TRUE(eventually([&] { return load.answered() >= 20; }, seconds(5))) << describe(load);

  const std::string upgrade = commit_blue_green("2.0.0");
  const CommandResult second = run_once();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const int answered_after_upgrade = load.answered();
  ASSERT_TRUE(eventually([&] { return load.answers()["hello 2.0.0\n"] >= 20; }, seconds(5)))
      << describe(load);
  EXPECT_NE(serving_record()["port"].get<int>(), first_port) << "2.0.0 took the other port";

  // `git revert` of the upgrade: an ordinary switch, as gentle.
  m_repo->revert(upgrade);
  const CommandResult third = run_once();
  ASSERT_EQ(third.exit_code, 0) << third.err;
  ASSERT_TRUE(
      eventually([&] { return load.answered() >= answered_after_upgrade + 40; }, seconds(5)));
  EXPECT_EQ(serving_record()["release"].get<std::string>().rfind("1.0.0", 0), 0u);

  // 3.0.0 answers / but fails /healthz: gated on its own port, it never gets a client.
  commit_blue_green("3.0.0", Build::broken_health);
  const CommandResult broken = run_once();
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  const int answered_after_broken = load.answered();
  ASSERT_TRUE(
      eventually([&] { return load.answered() >= answered_after_broken + 20; }, seconds(5)));
  load.stop();
  std::cerr << "blue-green load through haproxy: " << describe(load) << "\n";

  EXPECT_TRUE(load.failures().empty()) << describe(load);
  const auto answers = load.answers();
  EXPECT_EQ(answers.count("hello 3.0.0\n"), 0u) << describe(load);
  EXPECT_GT(answers.at("hello 1.0.0\n"), 0) << describe(load);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  EXPECT_EQ(hello_processes(), 1) << "the old ones drained and stopped, the broken one stopped";
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("quarantined"), std::string::npos) << status.out;
  bool rolled_back = false;
  for (const auto& entry : journal(m_root))
    rolled_back = rolled_back || (entry["action"] == "auto-rollback" && entry["result"] == "ok");
  EXPECT_TRUE(rolled_back);
}

TEST_F(BlueGreenTest, AKillAtEachStepOfTheSwitchLeavesTrafficOnAReleaseThatAnswers) {
  commit_blue_green("1.0.0");
  ASSERT_EQ(run_once().exit_code, 0);
  SteadyLoad load(m_port, "/");
  int minor = 0;
  for (const char* point :
       {"blue-green-gated", "blue-green-traffic-moved", "blue-green-promoted"}) {
    SCOPED_TRACE(point);
    const std::string version = "1.1." + std::to_string(++minor);
    commit_blue_green(version);
    const CommandResult killed = run_once({{"TETHER_FAULT", point}});
    // Boost.Process reports a death by signal as the signal's number.
    ASSERT_EQ(killed.exit_code, SIGKILL) << "the fault point was not reached: " << killed.err;
    // Whatever the proxy points at answers, without the agent.
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

TEST_F(BlueGreenTest, AnAgentRestartAdoptsTheServingReleaseAndAMissingProxyIsAClearError) {
  commit_blue_green("1.0.0");
  ASSERT_EQ(run_once().exit_code, 0);
  const pid_t serving = service_pid();
  ASSERT_NE(serving, 0);
  ASSERT_EQ(run_once().exit_code, 0);
  EXPECT_EQ(service_pid(), serving) << "a converged service is left alone";
  // The daemon adopts what serves and shows where the proxy sends clients.
  const int api = free_port();
  start_daemon("30s", api);
  const std::string port_line =
      "tether_traffic_port{service=\"hello\"} " + serving_record()["port"].dump();
  EXPECT_TRUE(eventually(
      [&] { return http_get(api, "/metrics").find(port_line) != std::string::npos; }, seconds(10)))
      << http_get(api, "/metrics");
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("traffic on :" + serving_record()["port"].dump()), std::string::npos)
      << status.out;
  EXPECT_EQ(stop_daemon(), 0);
  EXPECT_EQ(service_pid(), serving) << "an agent restart touches neither the release nor the proxy";

  // The proxy goes away: the switch stops before traffic would move and says why.
  ::kill(m_haproxy_pid, SIGTERM);
  ::waitpid(m_haproxy_pid, nullptr, 0);
  m_haproxy.reset(0);
  std::filesystem::remove(m_socket);
  commit_blue_green("2.0.0");
  const CommandResult failed = run_once();
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find(m_socket.string()), std::string::npos) << failed.err;
  EXPECT_EQ(service_pid(), serving) << "1.0.0 keeps running";
  EXPECT_EQ(hello_processes(), 1) << "the 2.0.0 candidate was stopped";
}

}  // namespace
}  // namespace tether::test
