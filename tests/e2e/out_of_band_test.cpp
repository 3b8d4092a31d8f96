// Issue #22: a daemon keeps what it probed in memory between polls (parsed records, pidfds of
// the processes it found alive). Whatever an operator or an accident changes on the host behind
// its back must still be seen at the next poll and repaired, as when every poll re-read it all.
#include "agent_fixture.hpp"

#include <filesystem>
#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class OutOfBandTest : public AgentTest {
 protected:
  /// hello 1.0.0 then 2.0.0 applied by a daemon polling every 300 ms; both releases kept.
  void SetUp() override {
    commit_hello("1.0.0");
    start_daemon("300ms");
    ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
    commit_hello("2.0.0");
    ASSERT_TRUE(hello_eventually_says("hello 2.0.0\n"));
    m_first = release_dir_of("1.0.0");
    m_second = release_dir_of("2.0.0");
    ASSERT_FALSE(m_first.empty());
    // Passed its gate (the serving record is written then), so nothing below races the gate.
    ASSERT_TRUE(eventually(
        [this] {
          return read_text(service_dir() / "serving.json").find(m_second) != std::string::npos;
        },
        k_wait));
    ASSERT_EQ(current_release_dir(), m_second);
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "agent log:\n" << daemon_log();
  }
  fs::path service_dir() const { return m_root / "services" / "hello"; }

  static constexpr std::chrono::seconds k_wait{15};
  std::string m_first;
  std::string m_second;
};

TEST_F(OutOfBandTest, ACurrentLinkPointedElsewhereByHandIsSwitchedBack) {
  fs::remove(service_dir() / "current");
  fs::create_directory_symlink(fs::path("releases") / m_first, service_dir() / "current");
  EXPECT_TRUE(eventually([this] { return current_release_dir() == m_second; }, k_wait));
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

TEST_F(OutOfBandTest, ADeletedReleaseDirIsInstalledAgain) {
  const pid_t before = service_pid();
  fs::remove_all(service_dir() / "releases" / m_second);
  EXPECT_TRUE(eventually(
      [this] { return fs::exists(service_dir() / "releases" / m_second / ".tether"); }, k_wait));
  // The process ran a binary that was deleted: it is replaced by one from the new install.
  EXPECT_TRUE(eventually([&] { return service_pid() != before && service_pid() != 0; }, k_wait));
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

TEST_F(OutOfBandTest, AKilledProcessIsStartedAgain) {
  const pid_t before = service_pid();
  ASSERT_NE(before, 0);
  ::kill(before, SIGKILL);
  EXPECT_TRUE(eventually([&] { return service_pid() != before && service_pid() != 0; }, k_wait));
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

}  // namespace
}  // namespace tether::test
