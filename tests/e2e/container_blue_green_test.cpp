// Blue-green switches of a container service behind a real HAProxy, end to end: real podman
// pulling busybox images from a loopback registry, the agent publishing each new container on
// the other of two loopback ports, gating it there and moving the proxy's one server to it,
// while a thread of the test keeps requesting through the proxy: an upgrade and a `git revert`
// fail no request, an image that fails its gate answers no client, and a kill -9 at each step
// of the switch leaves traffic on a container that answers, and the next start converges.
#include "container_e2e_fixture.hpp"
#include "process_guard.hpp"
#include "steady_load.hpp"

#include <fstream>
#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

using std::chrono::seconds;

class ContainerBlueGreenTest : public ContainerTest {
 protected:
  void SetUp() override {
    ContainerTest::SetUp();
    if (HasFatalFailure()) return;
    m_ports = {free_port(), free_port()};
    while (m_ports[1] == m_ports[0]) m_ports[1] = free_port();
    m_socket = m_tmp / "admin.sock";
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
    m_haproxy.reset(spawn_background({"/usr/sbin/haproxy", "-db", "-f", config.string()},
                                     m_tmp / "haproxy.log"));
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(m_socket); }, seconds(5)))
        << read_text(m_tmp / "haproxy.log");
  }

  void TearDown() override {
    run_command({"podman", "rm", "-f", container() + "-next"});
    ContainerTest::TearDown();
  }

  /// Commits the web service on `tag`, switched blue-green behind the test's haproxy. The
  /// probe names the proxy's port (what clients use): the gate points it at the candidate's.
  std::string commit_blue_green(const std::string& tag, bool healthy = true) {
    const std::string manifest =
        "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + m_service +
        "\nspec:\n  container:\n    image: \"" + image(tag, healthy) +
        "\"\n    args: [/bin/busybox, httpd, -f, -p, \"8080\", -h, /www]\n"
        "    ports: [\"8080\"]\n    stopTimeout: 2s\n  runtime: podman\n"
        "  health:\n    http: {url: \"http://127.0.0.1:" +
        std::to_string(m_port) +
        "/index.html\"}\n    timeout: 1s\n    interval: 200ms\n    successes: 1\n"
        "    deadline: 4s\n"
        "  switch:\n    strategy: blue-green\n    drainTimeout: 2s\n    blueGreen:\n"
        "      ports: [" +
        std::to_string(m_ports[0]) + ", " + std::to_string(m_ports[1]) +
        "]\n      haproxy: {socket: " + m_socket.string() + ", backend: app, server: live}\n";
    m_repo->write("services/" + m_service + ".yaml", manifest);
    return m_repo->commit("web " + tag);
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
                       seconds(120),
                       env);
  }

  /// The containers of the service there are now (serving, candidate, parked).
  [[nodiscard]] int containers() const {
    int count = 0;
    for (const char* suffix : {"", "-next", "-prev"}) count += exists(container() + suffix);
    return count;
  }
  [[nodiscard]] std::string published_port() const {
    return inspect()["Config"]["Labels"].value("tether.port", "");
  }

  std::array<int, 2> m_ports{};
  std::filesystem::path m_socket;
  ProcessGuard m_haproxy;
};

std::string describe_bg_load(const SteadyLoad& load) {
  std::string text = "answers:";
  for (const auto& [body, count] : load.answers())
    text += " [" + body + "]=" + std::to_string(count);
  const auto failures = load.failures();
  text += "; " + std::to_string(failures.size()) + " failed";
  for (size_t i = 0; i < failures.size() && i < 5; ++i) text += "; " + failures[i];
  return text;
}

TEST_F(ContainerBlueGreenTest, UpgradeRevertAndABrokenImageFailNoRequestThroughTheProxy) {
  commit_blue_green("v1");
  const CommandResult first = run_once();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_TRUE(eventually_says("v1\n")) << first.err;
  EXPECT_EQ(published_port(), std::to_string(m_ports[1])) << "beside the proxy's first port";
  SteadyLoad load(m_port, "/index.html");
  ASSERT_TRUE(eventually([&] { return load.answered() >= 20; }, seconds(5)))
      << describe_bg_load(load);

  const std::string upgrade = commit_blue_green("v2");
  const CommandResult second = run_once();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  ASSERT_TRUE(eventually([&] { return load.answers()["v2\n"] >= 20; }, seconds(5)))
      << describe_bg_load(load);
  EXPECT_EQ(published_port(), std::to_string(m_ports[0])) << "v2 took the other port";
  EXPECT_EQ(containers(), 1) << "v1 drained and went, v2 took the service's name";
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("blue-green on :" + std::to_string(m_ports[0])), std::string::npos)
      << status.out;

  m_repo->revert(upgrade);
  const CommandResult third = run_once();
  ASSERT_EQ(third.exit_code, 0) << third.err;
  ASSERT_TRUE(eventually([&] { return load.answers()["v1\n"] >= 40; }, seconds(5)))
      << describe_bg_load(load);

  // Another start of the agent touches neither the container nor the proxy.
  const std::string id = container_id();
  ASSERT_EQ(run_once().exit_code, 0);
  EXPECT_EQ(container_id(), id);

  // "bad" has no index.html: gated on its own port, it never gets a client.
  commit_blue_green("bad", /*healthy=*/false);
  const CommandResult broken = run_once();
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  const int answered_after_broken = load.answered();
  ASSERT_TRUE(
      eventually([&] { return load.answered() >= answered_after_broken + 20; }, seconds(5)));
  load.stop();
  std::cerr << "container blue-green load through haproxy: " << describe_bg_load(load) << "\n";

  EXPECT_TRUE(load.failures().empty()) << describe_bg_load(load);
  EXPECT_EQ(says(), "v1\n");
  EXPECT_EQ(inspect()["Config"]["Labels"]["tether.release"], digest_of(image("v1")));
  EXPECT_EQ(containers(), 1) << "the broken candidate was removed";
  bool rolled_back = false;
  for (const auto& entry : journal(m_root))
    rolled_back = rolled_back || (entry["action"] == "auto-rollback" && entry["result"] == "ok");
  EXPECT_TRUE(rolled_back);
  EXPECT_NE(tether({"status"}).out.find("QUARANTINED"), std::string::npos);
}

TEST_F(ContainerBlueGreenTest, AKillAtEachStepOfTheSwitchLeavesTrafficOnAContainerThatAnswers) {
  commit_blue_green("v0");
  ASSERT_EQ(run_once().exit_code, 0);
  ASSERT_TRUE(eventually_says("v0\n"));
  SteadyLoad load(m_port, "/index.html");
  int minor = 0;
  for (const char* point : {"container-blue-green-gated",
                            "container-blue-green-traffic-moved",
                            "container-blue-green-promoted"}) {
    SCOPED_TRACE(point);
    const std::string tag = "v" + std::to_string(++minor);
    commit_blue_green(tag);
    const CommandResult killed = run_once({{"TETHER_FAULT", point}});
    // Boost.Process reports a death by signal as the signal's number.
    ASSERT_EQ(killed.exit_code, SIGKILL) << "the fault point was not reached: " << killed.err;
    // Whatever the proxy points at answers, without the agent.
    const int before = load.answered();
    ASSERT_TRUE(eventually([&] { return load.answered() >= before + 20; }, seconds(5)))
        << describe_bg_load(load);
    EXPECT_TRUE(load.failures().empty()) << describe_bg_load(load);
    // The next start converges: the new image serves alone under the service's name.
    const CommandResult next = run_once();
    ASSERT_EQ(next.exit_code, 0) << next.err;
    EXPECT_TRUE(eventually_says(tag + "\n"));
    EXPECT_EQ(inspect()["Config"]["Labels"]["tether.release"], digest_of(image(tag)));
    EXPECT_EQ(containers(), 1);
  }
  load.stop();
  EXPECT_TRUE(load.failures().empty()) << describe_bg_load(load);

  // Stopped by hand: the repair goes beside too, on the other port, under the same name.
  const std::string port = published_port();
  run_ok({"podman", "stop", "-t", "1", container()});
  const CommandResult repaired = run_once();
  ASSERT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_TRUE(eventually_says("v3\n"));
  EXPECT_NE(published_port(), port);
  EXPECT_EQ(containers(), 1);
  EXPECT_EQ(journal(m_root).back()["action"], "repair");
}

}  // namespace
}  // namespace tether::test
