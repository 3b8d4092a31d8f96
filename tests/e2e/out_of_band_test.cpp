// Issue #22: a daemon keeps what it probed in memory between polls (parsed records, pidfds of
// the processes it found alive). Whatever an operator or an accident changes on the host behind
// its back must still be seen at the next poll and repaired, as when every poll re-read it all.
#include "agent_fixture.hpp"
#include "pass_counter.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class OutOfBandTest : public AgentTest {
 protected:
  /// hello 1.0.0 then 2.0.0 applied by a daemon polling every 300 ms (logging each pass
  /// that probes, with why); both releases kept.
  void SetUp() override {
    commit_hello("1.0.0");
    start_daemon("300ms", m_api_port, {"--log-level", "debug"});
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
  fs::path serving_config() const {
    return service_dir() / "releases" / m_second / "etc/hello.conf";
  }

  /// Waits until the daemon has passed `passes` polls that changed nothing: the polls after
  /// a converge reuse it (agent/quiet_poll) once everything it probed is watched.
  void wait_for_quiet_polls(long long passes) {
    const long long before = passes_finished(m_api_port);
    ASSERT_GE(before, 0);
    ASSERT_TRUE(passes_eventually_reach(m_api_port, before, passes, k_wait));
  }

  int m_api_port = free_port();

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

// The quiet polls between converges probe nothing (issue #22): they stand on inotify. An edit
// in place of a file the release vouches for is seen by the next poll all the same.
TEST_F(OutOfBandTest, AConfigEditedInPlaceDuringQuietPollsIsRepaired) {
  wait_for_quiet_polls(3);
  const std::string original = read_text(serving_config());
  ASSERT_FALSE(original.empty());
  std::ofstream(serving_config(), std::ios::app) << "message=tampered\n";
  EXPECT_TRUE(eventually([&] { return read_text(serving_config()) == original; }, k_wait));
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

// Written through a hard link outside the release: no event on the release's directories,
// one on the file's own watch.
TEST_F(OutOfBandTest, AConfigWrittenThroughAHardLinkElsewhereIsRepaired) {
  const fs::path alias = m_root / "alias.conf";
  fs::create_hard_link(serving_config(), alias);
  wait_for_quiet_polls(3);
  const std::string original = read_text(serving_config());
  std::ofstream(alias, std::ios::app) << "message=tampered\n";
  EXPECT_TRUE(eventually([&] { return read_text(serving_config()) == original; }, k_wait));
}

// A pass with nothing to do and nothing changed since the last one probes nothing: the log
// says "probing the host" only for passes that do.
TEST_F(OutOfBandTest, QuietPollsProbeNothing) {
  wait_for_quiet_polls(3);
  const size_t logged = daemon_log().size();
  wait_for_quiet_polls(5);
  const std::string since = daemon_log().substr(logged);
  size_t probes = 0;
  for (size_t at = since.find("probing the host"); at != std::string::npos;
       at = since.find("probing the host", at + 1))
    ++probes;
  EXPECT_LT(probes, 5u) << since;
}

}  // namespace
}  // namespace tether::test
