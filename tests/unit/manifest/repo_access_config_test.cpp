// agent.yaml repo.sshKeyFile, knownHosts, tokenFile, username, caFile and timeout (issue #19).
#include "manifest/documents.hpp"

#include <gtest/gtest.h>

namespace tether::repo_access_config_test {
namespace {

const std::string k_head =
    "apiVersion: tether.dev/v1\nkind: Agent\nrepo:\n  url: \"ssh://h/s.git\"\n";

TEST(RepoAccessConfig, ReadsEveryKey) {
  Diagnostics diagnostics;
  const auto config = parse_agent_config(
      "agent.yaml",
      k_head +
          "  sshKeyFile: /etc/tether/key\n  knownHosts: /etc/tether/known_hosts\n"
          "  tokenFile: /etc/tether/token\n  username: bot\n  caFile: /etc/tether/ca.pem\n"
          "  timeout: 5s\n",
      diagnostics);
  ASSERT_TRUE(config) << diagnostics.describe();
  const RepoAccess expected{"/etc/tether/key",
                            "/etc/tether/known_hosts",
                            "/etc/tether/token",
                            "bot",
                            "/etc/tether/ca.pem",
                            std::chrono::seconds(5)};
  EXPECT_EQ(config->repo_access, expected);
}

TEST(RepoAccessConfig, DefaultsAreTheUsersOwnSetupAndThirtySeconds) {
  Diagnostics diagnostics;
  const auto config = parse_agent_config("agent.yaml", k_head, diagnostics);
  ASSERT_TRUE(config) << diagnostics.describe();
  EXPECT_EQ(config->repo_access, RepoAccess{});
  EXPECT_EQ(config->repo_access.timeout, std::chrono::seconds(30));
}

TEST(RepoAccessConfig, BadValuesNameTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {"  sshKeyFile: relative/key\n", "agent.yaml:5: repo.sshKeyFile:"},
      {"  knownHosts: known_hosts\n", "agent.yaml:5: repo.knownHosts:"},
      {"  caFile: ca.pem\n", "agent.yaml:5: repo.caFile:"},
      {"  timeout: 200ms\n", "agent.yaml:5: repo.timeout: expected a duration of at least 1s"},
      {"  timeout: soon\n", "agent.yaml:5: repo.timeout:"},
      {"  password: hunter2\n", "agent.yaml:5: repo.password:"},
  };
  for (const auto& [line, expected] : cases) {
    Diagnostics diagnostics;
    EXPECT_FALSE(parse_agent_config("agent.yaml", k_head + line, diagnostics)) << line;
    EXPECT_NE(diagnostics.describe().find(expected), std::string::npos)
        << line << diagnostics.describe();
  }
}

}  // namespace
}  // namespace tether::repo_access_config_test
