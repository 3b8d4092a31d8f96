#include "live/probe_cache.hpp"

#include "apply/current_link.hpp"
#include "apply/process_spawner.hpp"
#include "apply/release_installer.hpp"
#include "live/live_probe.hpp"
#include "live/process_record.hpp"
#include "process_guard.hpp"
#include "release_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace tether::probe_cache_test {
namespace {

namespace fs = std::filesystem;

/// A daemon's probes through one ProbeCache: a quiet poll parses nothing again, and every
/// out-of-band change is still seen at the next probe.
class ProbeCacheTest : public ::testing::Test {
 protected:
  ProbeCacheTest() {
    m_desired = test::make_release(m_tmp / "artifacts", "web", "1.4.2", {{"etc/app.yaml", "a\n"}});
    EXPECT_TRUE(install_release(m_layout, {}, m_desired, std::string(40, '5')).ok());
    EXPECT_TRUE(switch_current(m_layout, "web", m_desired.release.dir_name()).ok());
    m_dir = m_layout.release_dir("web", m_desired.release.dir_name());
  }

  LiveService probe() { return probe_all(m_layout, m_hashes, {}, m_cache).at("web"); }

  /// `/bin/sleep 30` in its own session, recorded in the pid file of "web".
  pid_t start_process() {
    auto pid = spawn_detached(SpawnRequest{{"/bin/sleep", "30"}, m_tmp.path(), {}, m_tmp / "log"});
    EXPECT_TRUE(pid.ok());
    const ProcessRecord record{*pid, process_start_time(*pid).value_or(0), "r1"};
    fs::create_directories(m_layout.pid_file("web").parent_path());
    EXPECT_TRUE(write_process_record(m_layout.pid_file("web"), record).ok());
    return *pid;
  }

  test::TempDir m_tmp;
  Layout m_layout{m_tmp / "root"};
  HashCache m_hashes;
  ProbeCache m_cache;
  DesiredService m_desired;
  fs::path m_dir;
};

TEST_F(ProbeCacheTest, AQuietProbeParsesNothingAgain) {
  const LiveService first = probe();
  const size_t parsed = m_cache.files_parsed();
  EXPECT_GT(parsed, 0u);
  const LiveService second = probe();
  EXPECT_EQ(m_cache.files_parsed(), parsed);
  EXPECT_EQ(second, first);
  EXPECT_EQ(second, probe_service(m_layout, "web", m_hashes));  // as without a cache
}

TEST_F(ProbeCacheTest, ADeletedReleaseDirIsSeenAtTheNextProbe) {
  ASSERT_EQ(probe().installed.size(), 1u);
  fs::remove_all(m_dir);
  const LiveService live = probe();
  EXPECT_TRUE(live.installed.empty());
  EXPECT_EQ(live.current(), nullptr);
}

TEST_F(ProbeCacheTest, AnEditedCurrentLinkIsSeenAtTheNextProbe) {
  ASSERT_EQ(probe().current_dir, m_desired.release.dir_name());
  fs::remove(m_layout.current_link("web"));
  fs::create_directory_symlink("releases/elsewhere", m_layout.current_link("web"));
  EXPECT_EQ(probe().current_dir, "elsewhere");
}

TEST_F(ProbeCacheTest, AReleaseRecordRewrittenInPlaceIsReadAgain) {
  ASSERT_TRUE(probe().installed.front().intact);
  const std::string text = test::read_text(m_dir / k_release_record);
  std::string edited = text;
  const size_t at = edited.find("\"version\": \"1.4.2\"");
  ASSERT_NE(at, std::string::npos) << text;
  edited.replace(at, 18, "\"version\": \"1.4.3\"");
  // File times have the kernel's tick as granularity: a same-size rewrite within the tick of
  // the last read would keep its stamp (as for the HashCache); tether itself writes by rename.
  ::usleep(20'000);
  test::write_text(m_dir / k_release_record, edited);  // same size, same inode
  const InstalledRelease release = probe().installed.front();
  EXPECT_EQ(release.id.version, "1.4.3");
  EXPECT_FALSE(release.intact) << "the dir is named for 1.4.2";
}

TEST_F(ProbeCacheTest, AKilledProcessIsSeenAtTheNextProbe) {
  const pid_t pid = start_process();
  test::ProcessGuard guard(pid);
  EXPECT_EQ(probe().process, ProcessState::running);
  EXPECT_EQ(probe().process, ProcessState::running);  // from the pidfd this time
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_EQ(probe().process, ProcessState::stopped);
}

// Issue #22: which service's process exited, so that the next pass probes that one only; a
// probe of that service alone forgets the old process and no longer names it.
TEST_F(ProbeCacheTest, AnExitIsNamedByItsServiceUntilThatServiceIsProbed) {
  const pid_t pid = start_process();
  test::ProcessGuard guard(pid);
  const Live live = probe_all(m_layout, m_hashes, {}, m_cache);
  ASSERT_EQ(live.at("web").process, ProcessState::running);
  ASSERT_TRUE(m_cache.exited_services().has_value());
  EXPECT_TRUE(m_cache.exited_services()->empty());
  ::kill(pid, SIGKILL);
  while (test::process_running(pid)) ::usleep(1000);
  ASSERT_TRUE(m_cache.exited_services().has_value());
  EXPECT_EQ(*m_cache.exited_services(), (std::set<std::string>{"web"}));
  const Live after = probe_services(m_layout, m_hashes, {}, m_cache, live, {"web"});
  EXPECT_EQ(after.at("web").process, ProcessState::stopped);
  EXPECT_TRUE(m_cache.exited_services()->empty()) << "the probe saw it stopped";
}

// More exits at once than one look reads (64) are not named one by one: "unknown" makes the
// next pass probe every service, which is never wrong.
TEST_F(ProbeCacheTest, MoreExitsThanOneLookReadsAreUnknownSoEveryServiceIsProbed) {
  std::vector<pid_t> pids;
  for (int i = 0; i < 70; ++i) {
    auto pid = spawn_detached(SpawnRequest{{"/bin/sleep", "30"}, m_tmp.path(), {}, m_tmp / "log"});
    ASSERT_TRUE(pid.ok());
    pids.push_back(*pid);
    const ProcessRecord record{*pid, process_start_time(*pid).value_or(0), "r1"};
    ASSERT_TRUE(m_cache.alive(record, "svc-" + std::to_string(i)));
  }
  ASSERT_TRUE(m_cache.exited_services().has_value());
  EXPECT_TRUE(m_cache.exited_services()->empty());
  for (const pid_t pid : pids) ::kill(pid, SIGKILL);
  for (const pid_t pid : pids) {
    while (test::process_running(pid)) ::usleep(1000);
  }
  EXPECT_FALSE(m_cache.exited_services().has_value());
}

TEST_F(ProbeCacheTest, ProbingSomeServicesKeepsTheOthersAndDropsWhatIsGone) {
  Live base = probe_all(m_layout, m_hashes, {}, m_cache);
  base["other"].name = "other";  // as an earlier probe left it: the caller vouches for it
  const Live some = probe_services(m_layout, m_hashes, {}, m_cache, base, {"web"});
  EXPECT_EQ(some, base);
  fs::remove_all(m_layout.service_dir("web"));
  const Live gone = probe_services(m_layout, m_hashes, {}, m_cache, base, {"web", "../x", ""});
  EXPECT_EQ(gone.count("web"), 0u);
  EXPECT_EQ(gone.count("other"), 1u);
  EXPECT_EQ(gone.size(), 1u);
}

TEST_F(ProbeCacheTest, AnExitedChildIsReapedAndReadsAsStopped) {
  const pid_t pid = start_process();
  test::ProcessGuard guard(pid);
  EXPECT_EQ(probe().process, ProcessState::running);
  ::kill(pid, SIGKILL);
  // Not reaped here: the cache's pidfd sees the exit, and the zombie is reaped by the probe.
  while (test::process_running(pid)) ::usleep(1000);
  EXPECT_EQ(probe().process, ProcessState::stopped);
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1) << "already reaped";
}

TEST_F(ProbeCacheTest, ARewrittenPidFileIsReadAgain) {
  const pid_t pid = start_process();
  test::ProcessGuard guard(pid);
  EXPECT_EQ(probe().process, ProcessState::running);
  // Same pid, another start time: not the process we started.
  const ProcessRecord other{pid, process_start_time(pid).value_or(0) + 1, "r1"};
  ASSERT_TRUE(write_process_record(m_layout.pid_file("web"), other).ok());
  EXPECT_EQ(probe().process, ProcessState::stopped);
}

TEST_F(ProbeCacheTest, ARemovedServiceIsForgotten) {
  (void)probe();
  fs::remove_all(m_layout.service_dir("web"));
  EXPECT_TRUE(probe_all(m_layout, m_hashes, {}, m_cache).empty());
  const size_t parsed = m_cache.files_parsed();
  EXPECT_TRUE(install_release(m_layout, {}, m_desired, std::string(40, '5')).ok());
  EXPECT_EQ(probe().installed.size(), 1u);
  EXPECT_GT(m_cache.files_parsed(), parsed);
}

}  // namespace
}  // namespace tether::probe_cache_test
