// docs/install.md's "A private state repo": its ```sh blocks, run as written against a real
// sshd and a real HTTPS forge (nginx + git-http-backend, basic auth, a private CA) on loopback.
#include "agent_fixture.hpp"
#include "https_git_server.hpp"
#include "ssh_git_server.hpp"

#include <fstream>
#include <sstream>

namespace tether::test {
namespace {

/// The ```sh blocks of `page`, in order.
std::vector<std::string> sh_blocks(const std::filesystem::path& page) {
  std::ifstream in(page);
  std::vector<std::string> blocks;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "```sh") {
      inside = true;
      blocks.emplace_back();
    } else if (line.rfind("```", 0) == 0) {
      inside = false;
    } else if (inside) {
      blocks.back() += line + "\n";
    }
  }
  return blocks;
}

TEST_F(AgentTest, InstallDocPrivateRepoBlocksRunAgainstRealServers) {
  commit_hello("1.0.0");
  const SshGitServer ssh(m_tmp / "sshd");
  const std::string token = "doc-token-4711";
  const HttpsGitServer https(m_tmp / "git", m_tmp / "nginx", "deploy-bot", token);
  const auto blocks = sh_blocks(std::filesystem::path(TETHER_SOURCE_DIR) / "docs/install.md");
  ASSERT_EQ(blocks.size(), 4u) << "names, deploy key, ssh set-up, https set-up";
  std::filesystem::create_directories(m_tmp / "bin");
  std::filesystem::create_symlink(TETHER_BIN, m_tmp / "bin/tether");
  const std::map<std::string, std::string> env = {
      {"PATH", (m_tmp / "bin").string() + ":" + std::getenv("PATH")},
      {"ETC", (m_tmp / "etc").string()},
      {"GIT_HOST", "127.0.0.1"},
      {"GIT_SSH_PORT", std::to_string(ssh.port())},
      {"SSH_REPO_URL", ssh.url(m_repo->bare())},
      {"HTTPS_REPO_URL", https.url("state.git")},
      {"REPO_TOKEN", token},
      {"FORGE_CA", https.ca_file().string()}};
  const auto run = [&](const std::string& script) {
    return run_command({"bash", "-c", "set -euo pipefail\n" + script},
                       m_tmp.path(),
                       std::chrono::seconds(60),
                       env);
  };
  const CommandResult key = run(blocks[0] + blocks[1]);
  ASSERT_EQ(key.exit_code, 0) << key.err;
  ssh.authorize(m_tmp / "etc/deploy_key.pub");  // "register deploy_key.pub on the Git server"

  const CommandResult over_ssh = run(blocks[0] + blocks[2]);
  ASSERT_EQ(over_ssh.exit_code, 0) << over_ssh.out << over_ssh.err;
  EXPECT_NE(over_ssh.out.find("hello"), std::string::npos) << over_ssh.out;
  EXPECT_NE(over_ssh.out.find(ssh.fingerprint()), std::string::npos) << "ssh-keygen -l shows it";

  const CommandResult over_https = run(blocks[0] + blocks[3]);
  ASSERT_EQ(over_https.exit_code, 0) << over_https.out << over_https.err;
  EXPECT_NE(over_https.out.find("hello"), std::string::npos) << over_https.out;
  EXPECT_EQ((over_https.out + over_https.err).find(token), std::string::npos);
}

}  // namespace
}  // namespace tether::test
