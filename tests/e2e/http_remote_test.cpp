// The same convergence from a smart-HTTP remote (git-http-backend behind busybox httpd).
#include "agent_fixture.hpp"
#include "http_git_server.hpp"

namespace tether::test {
namespace {

TEST_F(AgentTest, ConvergesFromAnHttpRemote) {
  commit_hello("1.0.0");
  const HttpGitServer http(m_tmp / "git", m_tmp / "http");
  m_repo_url = http.url("state.git");
  const CommandResult run = tether({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));

  commit_hello("2.0.0");
  const CommandResult again = tether({"run", "--once"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

}  // namespace
}  // namespace tether::test
