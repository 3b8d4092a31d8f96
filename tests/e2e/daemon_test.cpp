// Acceptance 2: the agent as a daemon converges after each push, without a restart, and a
// second agent on the same root is refused by the lock.
#include "agent_fixture.hpp"

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
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

namespace tether::test {
namespace {

TEST_F(AgentTest, DaemonRestartsACrashedServiceAndKeepsItsLogs) {
  commit_hello("1.0.0");
  bp::child agent(TETHER_BIN,
                  "run",
                  "--interval",
                  "500ms",
                  "--repo",
                  repo_url(),
                  "--root",
                  m_root.string(),
                  "--host-id",
                  "e2e-host",
                  bp::std_out > bp::null,
                  bp::std_err > (m_tmp / "agent.log").string());
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  // Let the install finish its health gate before crashing the service.
  ASSERT_TRUE(eventually([this] { return !read_text(m_root / "state/journal.jsonl").empty(); },
                         std::chrono::seconds(10)));
  const auto pid_of = [this] { return read_text(m_root / "services/hello/run/exec.pid"); };
  const std::string first = pid_of();
  const auto record = nlohmann::json::parse(first);
  ::kill(record.at("pid").get<pid_t>(), SIGKILL);
  EXPECT_TRUE(eventually(
      [&] { return pid_of() != first && !pid_of().empty() && hello_says() == "hello 1.0.0\n"; },
      std::chrono::seconds(15)));
  // Both runs wrote their start-up line into the service log.
  const std::string log = read_text(m_root / "services/hello/log/service.log");
  EXPECT_GE(std::count(log.begin(), log.end(), '\n'), 2) << log;
  if (HasFailure()) ADD_FAILURE() << read_text(m_tmp / "agent.log");
  ::kill(agent.id(), SIGTERM);
  agent.wait();
}

}  // namespace
}  // namespace tether::test
