// Blue-green switches behind a real nginx, end to end: the test starts nginx on loopback (its
// prefix, nginx.conf, pid file and the tether upstream file in the test's temp dir; a master
// and two workers in the foreground, not a daemon of the system), the agent rewrites the
// upstream file and reloads nginx gracefully, and a thread of the test keeps requesting through
// nginx meanwhile: an upgrade and a `git revert` fail no request, a release that fails its gate
// answers no client, a kill -9 at each step of the switch leaves traffic on a release that
// answers, and a configuration nginx refuses stops the switch with the old release serving.
#include "agent_fixture.hpp"
#include "nginx_proxy.hpp"
#include "steady_load.hpp"

#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

using std::chrono::seconds;

class NginxBlueGreenTest : public AgentTest {
 protected:
  NginxBlueGreenTest() {
    m_ports = {free_port(), free_port()};
    while (m_ports[1] == m_ports[0]) m_ports[1] = free_port();
    m_nginx = std::make_unique<NginxProxy>(m_tmp / "nginx", m_port, m_ports[0]);
    m_health =
        "  health:\n    http: {url: \"http://127.0.0.1:PORT/healthz\"}\n"
        "    timeout: 1s\n    interval: 100ms\n    successes: 2\n    deadline: 2s\n";
  }

  /// Commits hello `version` switched blue-green behind the test's nginx.
  std::string commit_blue_green(const std::string& version, Build build = Build::healthy) {
    std::string manifest = hello_manifest(release(version, build));
    manifest +=
        "  switch:\n    strategy: blue-green\n    drainTimeout: 1s\n    blueGreen:\n"
        "      ports: [" +
        std::to_string(m_ports[0]) + ", " + std::to_string(m_ports[1]) +
        "]\n      portEnv: HELLO_PORT\n      nginx: {upstreamFile: " +
        m_nginx->upstream_file().string() + ", pidFile: " + m_nginx->pid_file().string() + "}\n";
    m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_ports[0]) + "\n");
    m_repo->write("services/hello.yaml", manifest);
    return m_repo->commit("hello " + version);
  }

  CommandResult run_once(const std::map<std::string, std::string>& env = {}) const {
    std::map<std::string, std::string> with_limits = env;
    // A reload nginx refuses is known after this long (production: 10 s).
    with_limits["TETHER_TEST_LIMITS"] = "nginx-reload-ms=1500";
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
                       with_limits);
  }

  /// hello processes alive (serving, candidate or retiring).
  [[nodiscard]] int hello_processes() const {
    int count = 0;
    for (const char* slot : {"exec.pid", "candidate.pid", "retiring.pid"}) {
      const auto text = read_text(m_root / "services/hello/run" / slot);
      if (text.empty()) continue;
      if (process_running(nlohmann::json::parse(text)["pid"].get<pid_t>())) ++count;
    }
    return count;
  }

  [[nodiscard]] int serving_port() const {
    return nlohmann::json::parse(read_text(m_root / "services/hello/run/exec.pid"))["port"]
        .get<int>();
  }

  /// The port the upstream file names (what nginx sends new clients to after its last reload).
  [[nodiscard]] int upstream_port() const {
    const std::string text = read_text(m_nginx->upstream_file());
    const std::string prefix = "server 127.0.0.1:";
    const size_t at = text.find(prefix);
    return at == std::string::npos ? 0 : std::stoi(text.substr(at + prefix.size()));
  }

  /// How many reloads nginx logged ("signal 1 (SIGHUP) received ..., reconfiguring").
  [[nodiscard]] size_t nginx_reloads() const {
    const std::string log = m_nginx->error_log();
    size_t count = 0;
    for (size_t at = log.find("reconfiguring"); at != std::string::npos;
         at = log.find("reconfiguring", at + 1))
      ++count;
    return count;
  }

  std::array<int, 2> m_ports{};
  std::unique_ptr<NginxProxy> m_nginx;
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

TEST_F(NginxBlueGreenTest, UpgradeRevertAndABrokenReleaseFailNoRequestThroughNginx) {
  commit_blue_green("1.0.0");
  const CommandResult first = run_once();
  ASSERT_EQ(first.exit_code, 0) << first.err << m_nginx->error_log();
  ASSERT_EQ(hello_says(), "hello 1.0.0\n") << first.err;
  const int first_port = serving_port();
  EXPECT_EQ(upstream_port(), first_port);
  SteadyLoad load(m_port, "/");
  ASSERT_TRUE(eventually([&] { return load.answered() >= 20; }, seconds(5))) << describe(load);

  const std::string upgrade = commit_blue_green("2.0.0");
  const CommandResult second = run_once();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const int answered_after_upgrade = load.answered();
  ASSERT_TRUE(eventually([&] { return load.answers()["hello 2.0.0\n"] >= 20; }, seconds(5)))
      << describe(load);
  EXPECT_NE(serving_port(), first_port) << "2.0.0 took the other port";
  EXPECT_EQ(upstream_port(), serving_port());
  // The switch is visible: status names the strategy and the port taking traffic, the
  // journal entry of the upgrade its strategy.
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("blue-green, traffic on :" + std::to_string(serving_port())),
            std::string::npos)
      << status.out;
  const auto json = nlohmann::json::parse(tether({"status", "--json"}).out);
  ASSERT_EQ(json["services"].size(), 1u) << json.dump(2);
  const auto& hello = json["services"][0];
  EXPECT_EQ(hello["strategy"], "blue-green") << hello.dump(2);
  EXPECT_EQ(hello["traffic"]["port"], serving_port()) << hello.dump(2);
  EXPECT_EQ(hello["traffic"]["release"], hello["current"]["dir"]) << hello.dump(2);
  EXPECT_NE(hello["traffic"]["proxy"].get<std::string>().find("nginx upstream"), std::string::npos)
      << hello.dump(2);
  expect_valid_status(json.dump());
  const auto entries = journal(m_root);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back()["action"], "upgrade") << entries.back().dump();
  EXPECT_EQ(entries.back()["strategy"], "blue-green") << entries.back().dump();

  // `git revert` of the upgrade: an ordinary switch, as gentle.
  m_repo->revert(upgrade);
  const CommandResult third = run_once();
  ASSERT_EQ(third.exit_code, 0) << third.err;
  ASSERT_TRUE(
      eventually([&] { return load.answered() >= answered_after_upgrade + 40; }, seconds(5)));
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");

  // 3.0.0 answers / but fails /healthz: gated on its own port, it never gets a client.
  commit_blue_green("3.0.0", Build::broken_health);
  const CommandResult broken = run_once();
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  const int answered_after_broken = load.answered();
  ASSERT_TRUE(
      eventually([&] { return load.answered() >= answered_after_broken + 20; }, seconds(5)));
  load.stop();
  std::cerr << "blue-green load through nginx: " << describe(load) << "\n";

  EXPECT_TRUE(load.failures().empty()) << describe(load);
  const auto answers = load.answers();
  EXPECT_EQ(answers.count("hello 3.0.0\n"), 0u) << describe(load);
  EXPECT_GT(answers.at("hello 1.0.0\n"), 0) << describe(load);
  EXPECT_GT(answers.at("hello 2.0.0\n"), 0) << describe(load);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  EXPECT_EQ(upstream_port(), serving_port());
  EXPECT_EQ(hello_processes(), 1) << "the old ones drained and stopped, the broken one stopped";
  bool rolled_back = false;
  for (const auto& entry : journal(m_root))
    rolled_back = rolled_back || (entry["action"] == "auto-rollback" && entry["result"] == "ok");
  EXPECT_TRUE(rolled_back);
}

TEST_F(NginxBlueGreenTest, AKillAtEachStepOfTheSwitchLeavesTrafficOnAReleaseThatAnswers) {
  commit_blue_green("1.0.0");
  ASSERT_EQ(run_once().exit_code, 0);
  SteadyLoad load(m_port, "/");
  int minor = 0;
  for (const char* point : {"blue-green-gated",
                            "nginx-upstream-written",
                            "blue-green-traffic-moved",
                            "blue-green-promoted"}) {
    SCOPED_TRACE(point);
    const std::string version = "1.1." + std::to_string(++minor);
    commit_blue_green(version);
    const CommandResult killed = run_once({{"TETHER_FAULT", point}});
    // Boost.Process reports a death by signal as the signal's number.
    ASSERT_EQ(killed.exit_code, SIGKILL) << "the fault point was not reached: " << killed.err;
    // Whatever nginx sends clients to answers, without the agent.
    const int before = load.answered();
    ASSERT_TRUE(eventually([&] { return load.answered() >= before + 20; }, seconds(5)))
        << describe(load);
    EXPECT_TRUE(load.failures().empty()) << describe(load);
    if (std::string(point) == "blue-green-traffic-moved") {
      // Mid-switch: nginx sends clients to the new release while the old one is still the
      // serving record; status says so.
      const CommandResult status = tether({"status"});
      EXPECT_NE(status.out.find("traffic on :" + std::to_string(upstream_port()) + " (" + version),
                std::string::npos)
          << status.out;
      EXPECT_NE(status.out.find(", switching)"), std::string::npos) << status.out;
    }
    // The next start converges: the new release serves alone, and nginx sends clients to it.
    const CommandResult next = run_once();
    ASSERT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(hello_says(), "hello " + version + "\n");
    EXPECT_EQ(hello_processes(), 1);
    EXPECT_EQ(upstream_port(), serving_port());
  }
  load.stop();
  EXPECT_TRUE(load.failures().empty()) << describe(load);
}

TEST_F(NginxBlueGreenTest, ARefusedNginxConfigurationIsAClearErrorAndTheOldReleaseServes) {
  commit_blue_green("1.0.0");
  ASSERT_EQ(run_once().exit_code, 0);
  const pid_t serving = service_pid();
  // An agent restart touches neither the release nor nginx.
  const size_t reloads = nginx_reloads();
  ASSERT_EQ(run_once().exit_code, 0);
  EXPECT_EQ(service_pid(), serving);
  EXPECT_EQ(nginx_reloads(), reloads);

  SteadyLoad load(m_port, "/");
  ASSERT_TRUE(eventually([&] { return load.answered() >= 20; }, seconds(5))) << describe(load);
  m_nginx->break_config(true);
  commit_blue_green("2.0.0");
  const CommandResult refused = run_once();
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("refused the new configuration"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(m_nginx->pid_file().string()), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("nginx -t"), std::string::npos) << refused.err;
  EXPECT_EQ(service_pid(), serving) << "1.0.0 keeps running";
  EXPECT_EQ(hello_processes(), 1) << "the 2.0.0 candidate was stopped";
  EXPECT_EQ(upstream_port(), serving_port()) << "the file says what nginx runs";
  const auto entries = journal(m_root);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back()["result"], "failed") << entries.back().dump();
  EXPECT_EQ(entries.back()["strategy"], "blue-green") << entries.back().dump();
  const int answered = load.answered();
  ASSERT_TRUE(eventually([&] { return load.answered() >= answered + 20; }, seconds(5)));
  EXPECT_EQ(load.answers().count("hello 2.0.0\n"), 0u) << describe(load);

  // Fixed, the next pass switches: the daemon's, whose /metrics counts the switch.
  m_nginx->break_config(false);
  const int api = free_port();
  start_daemon("30s", api);
  const std::string switched =
      "tether_switch_total{service=\"hello\",strategy=\"blue-green\",outcome=\"switched\"} 1";
  EXPECT_TRUE(eventually(
      [&] { return http_get(api, "/metrics").find(switched) != std::string::npos; }, seconds(20)))
      << http_get(api, "/metrics") << daemon_log();
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  EXPECT_NE(http_get(api, "/metrics")
                .find("tether_traffic_port{service=\"hello\"} " + std::to_string(upstream_port())),
            std::string::npos);
  EXPECT_EQ(stop_daemon(), 0);
  load.stop();
  EXPECT_TRUE(load.failures().empty()) << describe(load);
  EXPECT_GT(load.answers()["hello 1.0.0\n"], 0) << describe(load);
}

}  // namespace
}  // namespace tether::test
