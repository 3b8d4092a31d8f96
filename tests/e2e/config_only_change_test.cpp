// Issue #22: a change of config files only (same artifact, same binary) builds its release dir
// from the installed release's verified files instead of unpacking the artifact again, and
// converges and rolls back like any other change.
#include "agent_fixture.hpp"

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class ConfigOnlyChangeTest : public AgentTest {
 protected:
  /// config/hello/hello.conf with `port` and `message`, committed.
  void commit_config(int port, const std::string& message) {
    m_repo->write("config/hello/hello.conf",
                  "port=" + std::to_string(port) + "\nmessage=" + message + "\n");
    m_repo->commit("hello says " + message);
  }
};

TEST_F(ConfigOnlyChangeTest, IsCopiedFromTheInstalledReleaseAndRollsBackToIt) {
  ASSERT_NO_FATAL_FAILURE(deploy("2.0.0"));
  const std::string first = current_release_dir();
  // The artifact gone from its URL and from the cache: only a copy of the installed release
  // can make the new release dir.
  fs::remove(m_releases.at("2.0.0").artifact);
  fs::remove_all(m_root / "cache" / "artifacts");

  commit_config(m_port, "howdy");
  const CommandResult changed = tether({"run", "--once"});
  EXPECT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_NE(changed.err.find("artifact copied from an installed release, not unpacked"),
            std::string::npos)
      << changed.err;
  EXPECT_TRUE(hello_eventually_says("howdy 2.0.0\n"));
  const std::string second = current_release_dir();
  EXPECT_NE(second, first);
  EXPECT_TRUE(fs::exists(m_root / "services" / "hello" / "releases" / first));
  EXPECT_FALSE(fs::exists(m_root / "cache" / "artifacts"));

  // hello on another port than its gate probes: never healthy, so the agent goes back to the
  // copied release, which serves again.
  commit_config(m_port + 1, "lost");
  const CommandResult failed = tether({"run", "--once"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_EQ(current_release_dir(), second);
  EXPECT_TRUE(hello_eventually_says("howdy 2.0.0\n"));
  const auto entries = journal(m_root);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back()["action"], "auto-rollback");
  EXPECT_EQ(entries.back()["result"], "ok");
}

}  // namespace
}  // namespace tether::test
