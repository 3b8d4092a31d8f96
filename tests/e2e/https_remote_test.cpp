// Issue #19: a private state repo over https:// with a token (nginx + fcgiwrap +
// git-http-backend, basic auth, a certificate from a CA made for the test), and a certificate
// the agent cannot verify refused. The token appears in no log line, journal or status.
#include "agent_fixture.hpp"
#include "https_git_server.hpp"

namespace tether::test {
namespace {

constexpr const char* k_token = "tok-9f3c51e2d7a84b60-secret";

class HttpsRemoteTest : public AgentTest {
 protected:
  HttpsRemoteTest() : m_https(m_tmp / "git", m_tmp / "nginx", "deploy-bot", k_token) {
    m_repo_url = m_https.url("state.git");
    write_text(m_tmp / "token", std::string(k_token) + "\n");
  }

  std::filesystem::path config(const std::string& extra) {
    const std::filesystem::path file = m_tmp / "agent.yaml";
    write_text(file,
               "apiVersion: tether.dev/v1\nkind: Agent\nrepo:\n  url: \"" + m_repo_url +
                   "\"\n  tokenFile: " + (m_tmp / "token").string() + "\n  username: deploy-bot\n" +
                   extra);
    return file;
  }

  HttpsGitServer m_https;
};

TEST_F(HttpsRemoteTest, ConvergesWithATokenAndACaFileAndNeverShowsTheToken) {
  commit_hello("1.0.0");
  const auto file = config("  caFile: " + m_https.ca_file().string() + "\n");
  const CommandResult run = tether({"run", "--once", "--config", file.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));

  const CommandResult status = tether({"status", "--output", "json"});
  const CommandResult history = tether({"history", "--output", "json"});
  for (const std::string& text : {run.out, run.err, status.out, status.err, history.out}) {
    EXPECT_EQ(text.find(k_token), std::string::npos) << text;
  }
  // Nothing the agent wrote under its root (journal, history, mirror config) holds it.
  const CommandResult grep = run_command({"grep", "-rl", k_token, m_root.string()});
  EXPECT_EQ(grep.exit_code, 1) << "found in: " << grep.out;
}

TEST_F(HttpsRemoteTest, RefusesACertificateItCannotVerify) {
  commit_hello("1.0.0");
  const auto file = config("");  // the system CAs only: they never signed the test CA
  const CommandResult run = tether({"run", "--once", "--config", file.string()});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("the TLS certificate of localhost is not trusted by the system CAs"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("repo.caFile"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(m_root / "services/hello/current"));
}

TEST_F(HttpsRemoteTest, AWrongTokenIsRefusedByNameNotByValue) {
  commit_hello("1.0.0");
  write_text(m_tmp / "token", "not-the-token\n");
  const auto file = config("  caFile: " + m_https.ca_file().string() + "\n");
  const CommandResult run = tether({"run", "--once", "--config", file.string()});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("the server refused the token in " + (m_tmp / "token").string()),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("not-the-token"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace tether::test
