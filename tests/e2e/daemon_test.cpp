// Acceptance 2: the agent as a daemon converges after each push, without a restart, and a
// second agent on the same root is refused by the lock.
#include "agent_fixture.hpp"

#include <boost/process.hpp>

#include <signal.h>

namespace tether::test {
namespace {

namespace bp = boost::process;

TEST_F(AgentTest, DaemonConvergesAfterEachPushAndRollsBack) {
  commit_hello("1.0.0");
  bp::ipstream agent_log;
  bp::child agent(TETHER_BIN,
                  "run",
                  "--interval",
                  "1s",
                  "--repo",
                  repo_url(),
                  "--root",
                  m_root.string(),
                  "--host-id",
                  "e2e-host",
                  bp::std_out > bp::null,
                  bp::std_err > agent_log);
  std::thread drain([&agent_log] {
    for (std::string line; std::getline(agent_log, line);) {
    }
  });
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

  ::kill(agent.id(), SIGTERM);
  agent.wait();
  drain.join();
  EXPECT_EQ(agent.exit_code(), 0);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "services outlive the agent";
}

}  // namespace
}  // namespace tether::test
