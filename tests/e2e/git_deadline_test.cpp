// Issue #19: a Git server that accepts and never answers. Every Git wait has a deadline
// (repo.timeout) and the daemon honours SIGTERM within 5 s while a fetch hangs.
#include "agent_fixture.hpp"
#include "silent_server.hpp"

#include <chrono>
#include <signal.h>
#include <sys/wait.h>

namespace tether::test {
namespace {

using Clock = std::chrono::steady_clock;

class GitDeadlineTest : public AgentTest {
 protected:
  std::filesystem::path config_with_timeout(const std::string& url, const std::string& timeout) {
    const std::filesystem::path config = m_tmp / "agent.yaml";
    write_text(config,
               "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + url +
                   "\", timeout: " + timeout + "}\n");
    return config;
  }

  void expect_run_once_times_out(const std::string& url) {
    m_repo_url = url;
    const auto config = config_with_timeout(url, "2s");
    const auto started = Clock::now();
    const CommandResult run = tether({"run", "--once", "--config", config.string()});
    const auto took = Clock::now() - started;
    EXPECT_NE(run.exit_code, 0);
    EXPECT_LT(took, std::chrono::seconds(8)) << "repo.timeout is 2s";
    EXPECT_NE(run.err.find("within 2s (repo.timeout): timed out"), std::string::npos) << run.err;
  }
};

TEST_F(GitDeadlineTest, RunOnceGivesUpOnASilentGitDaemon) {
  const SilentServer silent;
  expect_run_once_times_out("git://127.0.0.1:" + std::to_string(silent.port()) + "/state.git");
  EXPECT_GE(silent.accepted(), 1) << "the agent did reach the silent server";
}

TEST_F(GitDeadlineTest, RunOnceGivesUpOnASilentHttpServer) {
  const SilentServer silent;
  expect_run_once_times_out("http://127.0.0.1:" + std::to_string(silent.port()) + "/state.git");
  EXPECT_GE(silent.accepted(), 1);
}

TEST_F(GitDeadlineTest, TheDaemonStopsWithinFiveSecondsWhileAFetchHangs) {
  const SilentServer silent;
  m_repo_url = "git://127.0.0.1:" + std::to_string(silent.port()) + "/state.git";
  // The default timeout (30 s) is far beyond the 5 s SIGTERM must take.
  const auto config = config_with_timeout(m_repo_url, "30s");
  const pid_t agent = start_daemon("1s", 0, {"--config", config.string()});
  ASSERT_TRUE(eventually([&] { return silent.accepted() >= 1; }, std::chrono::seconds(10)))
      << daemon_log();
  const auto started = Clock::now();
  ::kill(agent, SIGTERM);
  int status = 0;
  const bool exited = eventually([&] { return ::waitpid(agent, &status, WNOHANG) == agent; },
                                 std::chrono::seconds(5));
  if (!exited) ::kill(agent, SIGKILL);
  ASSERT_TRUE(exited) << "still running 5 s after SIGTERM\n" << daemon_log();
  m_daemon_pid = 0;
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
  EXPECT_TRUE(WIFEXITED(status)) << "ended by a signal, not by itself";
  EXPECT_NE(daemon_log().find("agent stopping"), std::string::npos) << daemon_log();
}

}  // namespace
}  // namespace tether::test
