// Issue #19: a private state repo over ssh:// (a real sshd on loopback, key auth), with the
// host key checked against known_hosts, failing closed on an unknown or changed key.
#include "agent_fixture.hpp"
#include "ssh_git_server.hpp"

namespace tether::test {
namespace {

class SshRemoteTest : public AgentTest {
 protected:
  SshRemoteTest() : m_ssh(m_tmp / "sshd") { m_repo_url = m_ssh.url(m_repo->bare()); }

  /// agent.yaml naming the key and a known_hosts file holding `known_hosts`.
  std::filesystem::path config(const std::string& known_hosts) {
    write_text(m_tmp / "known_hosts", known_hosts);
    const std::filesystem::path file = m_tmp / "agent.yaml";
    write_text(file,
               "apiVersion: tether.dev/v1\nkind: Agent\nrepo:\n  url: \"" + m_repo_url +
                   "\"\n  sshKeyFile: " + m_ssh.client_key().string() +
                   "\n  knownHosts: " + (m_tmp / "known_hosts").string() + "\n");
    return file;
  }

  SshGitServer m_ssh;
};

TEST_F(SshRemoteTest, ConvergesWithAKeyFileAndKnownHosts) {
  commit_hello("1.0.0");
  const auto file = config(m_ssh.known_hosts_line() + "\n");
  const CommandResult run = tether({"run", "--once", "--config", file.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
}

TEST_F(SshRemoteTest, UsesTheUsersOwnSshSetupWhenAgentYamlNamesNone) {
  commit_hello("1.0.0");
  // As `git clone` would: ~/.ssh/id_ed25519 and ~/.ssh/known_hosts of the user running it.
  const std::filesystem::path home = m_tmp / "home";
  std::filesystem::create_directories(home / ".ssh");
  std::filesystem::copy_file(m_ssh.client_key(), home / ".ssh/id_ed25519");
  std::filesystem::copy_file(m_ssh.client_key().string() + ".pub", home / ".ssh/id_ed25519.pub");
  write_text(home / ".ssh/known_hosts", "# mine\n" + m_ssh.known_hosts_line() + "\n");
  const CommandResult run = run_command({TETHER_BIN,
                                         "run",
                                         "--once",
                                         "--repo",
                                         m_repo_url,
                                         "--root",
                                         m_root.string(),
                                         "--host-id",
                                         "e2e-host"},
                                        {},
                                        std::chrono::seconds(60),
                                        {{"HOME", home.string()}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
}

TEST_F(SshRemoteTest, RefusesAnUnknownHostKeyNamingItsFingerprint) {
  commit_hello("1.0.0");
  const auto file = config("# nothing known yet\n");
  const CommandResult run = tether({"run", "--once", "--config", file.string()});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("ssh-ed25519 " + m_ssh.fingerprint() + ") is not in"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("refusing an unknown host"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(m_root / "services/hello/current"));
}

TEST_F(SshRemoteTest, RefusesAChangedHostKey) {
  commit_hello("1.0.0");
  make_ssh_key(m_tmp / "impostor");
  const std::string impostor = read_text(m_tmp / "impostor.pub");
  const std::string line = "[127.0.0.1]:" + std::to_string(m_ssh.port()) + " " +
                           impostor.substr(0, impostor.rfind(' ')) + "\n";
  const auto file = config(line);
  const CommandResult run = tether({"run", "--once", "--config", file.string()});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("CHANGED: it offered ssh-ed25519 " + m_ssh.fingerprint()),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("man-in-the-middle"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(m_root / "services/hello/current"));
}

TEST_F(SshRemoteTest, RefusesAPrivateKeyOtherUsersCanReadAndConvergesOnceItIsProtected) {
  commit_hello("1.0.0");
  const auto file = config(m_ssh.known_hosts_line() + "\n");
  namespace fs = std::filesystem;
  fs::permissions(
      m_ssh.client_key(), fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  const CommandResult refused = tether({"run", "--once", "--config", file.string()});
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find("repo.sshKeyFile: " + m_ssh.client_key().string() +
                             " is accessible by other users (mode 0644)"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("chmod 600 " + m_ssh.client_key().string()), std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(m_root / "services/hello/current"));

  fs::permissions(m_ssh.client_key(),
                  fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  const CommandResult run = tether({"run", "--once", "--config", file.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
}

}  // namespace
}  // namespace tether::test
