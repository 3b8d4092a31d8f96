// The agent configured from agent.yaml instead of flags, and config errors that say where.
#include "agent_fixture.hpp"

#include <nlohmann/json.hpp>

namespace tether::test {
namespace {

TEST_F(AgentTest, RunsFromAnAgentConfigFile) {
  commit_hello("1.0.0");
  const std::filesystem::path config = m_tmp / "agent.yaml";
  write_text(config,
             "apiVersion: tether.dev/v1\nkind: Agent\n"
             "repo: {url: \"" +
                 repo_url() +
                 "\", branch: main}\n"
                 "root: " +
                 m_root.string() +
                 "\n"
                 "host: {id: from-file}\n"
                 "log: {format: json}\n");
  const CommandResult run = run_command({TETHER_BIN, "run", "--once", "--config", config.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  for (const std::string& line : lines_of(run.err))
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

TEST_F(AgentTest, InvalidAgentConfigNamesFileLineAndField) {
  const std::filesystem::path config = m_tmp / "agent.yaml";
  write_text(config,
             "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                 "\"}\npoll: {interval: soon}\n");
  const CommandResult run = run_command({TETHER_BIN, "run", "--once", "--config", config.string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(
      run.err.find(config.string() + ":4: poll.interval: expected a duration such as 500ms, 10s"),
      std::string::npos)
      << run.err;
  EXPECT_FALSE(std::filesystem::exists(m_root));
}

TEST_F(AgentTest, UnreachableRepoExitsFourAndChangesNothing) {
  const int closed_port = free_port();
  const CommandResult run =
      run_command({TETHER_BIN,
                   "run",
                   "--once",
                   "--repo",
                   "git://127.0.0.1:" + std::to_string(closed_port) + "/state.git",
                   "--root",
                   m_root.string()});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("cannot fetch the state repo"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(m_root / "services"));
}

}  // namespace
}  // namespace tether::test
