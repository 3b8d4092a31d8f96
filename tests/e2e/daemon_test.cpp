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
  /// `tether run --interval INTERVAL` in the background, its log in m_tmp/agent.log.
  bp::child start_agent(const std::string& interval) const {
    return bp::child(TETHER_BIN,
                     "run",
                     "--interval",
                     interval,
                     "--repo",
                     repo_url(),
                     "--root",
                     m_root.string(),
                     "--host-id",
                     "e2e-host",
                     bp::std_out > bp::null,
                     bp::std_err > (m_tmp / "agent.log").string());
  }
  /// SIGTERM, as an init system stops it; returns the exit status.
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

}  // namespace
}  // namespace tether::test
