// The agent configured from agent.yaml instead of flags, and config errors that say where.
#include "agent_fixture.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <thread>

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

TEST_F(AgentTest, NotifiesTheConfiguredUrlOfAppliedChanges) {
  httplib::Server hook;
  std::mutex mutex;
  std::vector<std::string> bodies;
  hook.Post("/tether", [&](const httplib::Request& request, httplib::Response&) {
    std::lock_guard lock(mutex);
    bodies.push_back(request.body);
  });
  const int port = hook.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { hook.listen_after_bind(); });
  ASSERT_TRUE(eventually([&] { return hook.is_running(); }, std::chrono::seconds(5)));

  commit_hello("1.0.0");
  const std::filesystem::path config = m_tmp / "agent.yaml";
  write_text(config,
             "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                 "\"}\nroot: " + m_root.string() +
                 "\nhost: {id: web-07}\nnotify: {url: \"http://127.0.0.1:" + std::to_string(port) +
                 "/tether\"}\n");
  const CommandResult run = run_command({TETHER_BIN, "run", "--once", "--config", config.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  hook.stop();
  serving.join();
  std::lock_guard lock(mutex);
  ASSERT_EQ(bodies.size(), 1u) << "delivered before `run --once` exits";
  const auto event = nlohmann::json::parse(bodies[0]);
  EXPECT_EQ(event["event"], "applied");
  EXPECT_EQ(event["host"], "web-07");
  EXPECT_EQ(event["to"]["version"], "1.0.0");
}

}  // namespace
}  // namespace tether::test
