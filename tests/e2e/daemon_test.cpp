// The agent as a daemon: it converges after each push without a restart, a second agent on the
// same root is refused by the lock, and a crashed service is restarted.
#include "agent_fixture.hpp"

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

namespace bp = boost::process;

class DaemonTest : public AgentTest {
 protected:
  /// `tether run --interval INTERVAL [extra...]` in the background, its log in m_tmp/agent.log.
  bp::child start_agent(const std::string& interval, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"run",
                                     "--interval",
                                     interval,
                                     "--repo",
                                     repo_url(),
                                     "--root",
                                     m_root.string(),
                                     "--host-id",
                                     "e2e-host"};
    args.insert(args.end(), extra.begin(), extra.end());
    return bp::child(TETHER_BIN,
                     bp::args = args,
                     bp::std_out > bp::null,
                     bp::std_err > (m_tmp / "agent.log").string());
  }  /// SIGTERM, as an init system stops it; returns the exit status.
  static int stop_agent(bp::child& agent) {
    ::kill(agent.id(), SIGTERM);
    agent.wait();
    return agent.exit_code();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "agent log:\n" << read_text(m_tmp / "agent.log");
  }
};

TEST_F(DaemonTest, ConvergesAfterEachPushAndRollsBack) {
  commit_hello("1.0.0");
  bp::child agent = start_agent("1s");
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));

  const std::string v2 = commit_hello("2.0.0");
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));

  // One agent per root: a second one is refused while the daemon holds the lock.
  const CommandResult second = tether({"run", "--once"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another tether agent holds"), std::string::npos) << second.err;

  m_repo->revert(v2);
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_TRUE(agent.running()) << "converged without restarting the agent";

  EXPECT_EQ(stop_agent(agent), 0);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "services outlive the agent";
}

TEST_F(DaemonTest, RestartsACrashedServiceAndKeepsItsLogs) {
  commit_hello("1.0.0");
  bp::child agent = start_agent("500ms");
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  // Let the install finish its health gate before crashing the service.
  ASSERT_TRUE(eventually([this] { return !read_text(m_root / "state/journal.jsonl").empty(); },
                         std::chrono::seconds(10)));
  const auto pid_file = [this] { return read_text(m_root / "services/hello/run/exec.pid"); };
  const std::string first = pid_file();
  ::kill(nlohmann::json::parse(first).at("pid").get<pid_t>(), SIGKILL);
  EXPECT_TRUE(eventually(
      [&] { return pid_file() != first && !pid_file().empty() && hello_says() == "hello 1.0.0\n"; },
      std::chrono::seconds(15)));
  // Both runs wrote their start-up line into the service log.
  const std::string log = read_text(m_root / "services/hello/log/service.log");
  EXPECT_GE(std::count(log.begin(), log.end(), '\n'), 2) << log;
  stop_agent(agent);
}

TEST_F(DaemonTest, ServesHealthStatusAndPrometheusMetrics) {
  commit_hello("1.0.0");
  const int api_port = free_port();
  bp::child agent = start_agent("500ms", {"--api-listen", "127.0.0.1:" + std::to_string(api_port)});
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_EQ(http_get(api_port, "/healthz"), "ok\n");

  std::string metrics;
  ASSERT_TRUE(eventually(
      [&] {
        metrics = http_get(api_port, "/metrics");
        return metrics.find("tether_converged{service=\"hello\"} 1") != std::string::npos;
      },
      std::chrono::seconds(15)))
      << metrics;
  EXPECT_NE(metrics.find("tether_service_info{service=\"hello\",version=\"1.0.0\""),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tether_reconcile_duration_seconds_count"), std::string::npos);
  EXPECT_NE(metrics.find("tether_rollbacks_total 0"), std::string::npos);
  write_text(m_tmp / "metrics.txt", metrics);
  const CommandResult check = run_command(
      {"/bin/sh", "-c", "promtool check metrics < " + (m_tmp / "metrics.txt").string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << metrics;

  const auto status = nlohmann::json::parse(http_get(api_port, "/status"));
  ASSERT_EQ(status["services"].size(), 1u);
  EXPECT_EQ(status["services"][0]["service"], "hello");
  EXPECT_EQ(status["services"][0]["current"]["version"], "1.0.0");
  EXPECT_EQ(stop_agent(agent), 0);
}

TEST_F(DaemonTest, CountsPollErrorsWhileTheGitServerIsDownAndKeepsServing) {
  commit_hello("1.0.0");
  const int api_port = free_port();
  bp::child agent = start_agent("200ms", {"--api-listen", "127.0.0.1:" + std::to_string(api_port)});
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  m_daemon.reset();  // the git server goes away
  const auto poll_errors = [&] {
    const std::string metrics = http_get(api_port, "/metrics");
    const std::string key = "\ntether_git_poll_errors_total ";
    const size_t at = metrics.find(key);
    return at == std::string::npos ? 0 : std::stoi(metrics.substr(at + key.size()));
  };
  EXPECT_TRUE(eventually([&] { return poll_errors() >= 2; }, std::chrono::seconds(15)));
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "the host keeps serving";
  EXPECT_EQ(stop_agent(agent), 0);
}

}  // namespace
}  // namespace tether::test
