#include "live/live_probe.hpp"

#include "apply/current_link.hpp"
#include "apply/process_spawner.hpp"
#include "apply/release_installer.hpp"
#include "live/process_record.hpp"
#include "process_guard.hpp"
#include "release_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <signal.h>
#include <string>
#include <sys/wait.h>

namespace tether::live_probe_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class LiveProbe : public ::testing::Test {
 protected:
  LiveProbe() {
    m_desired =
        test::make_release(m_tmp / "artifacts", "web", "1.4.2", {{"etc/app.yaml", "a: 1\n"}});
    const Status installed = install_release(m_layout, {}, m_desired, std::string(40, '5'));
    EXPECT_TRUE(installed.ok()) << installed.error().describe();
    m_dir = m_layout.release_dir("web", m_desired.release.dir_name());
  }

  /// The one installed release of "web" as the probe sees it.
  InstalledRelease probe_only_release() {
    const LiveService live = probe_service(m_layout, "web", m_hashes);
    EXPECT_EQ(live.installed.size(), 1u);
    return live.installed.empty() ? InstalledRelease{} : live.installed.front();
  }

  test::TempDir m_tmp;
  Layout m_layout{m_tmp / "root"};
  HashCache m_hashes;
  DesiredService m_desired;
  fs::path m_dir;
};

TEST_F(LiveProbe, AFreshlyInstalledReleaseIsIntact) {
  const InstalledRelease release = probe_only_release();
  EXPECT_TRUE(release.intact) << release.damage;
  EXPECT_EQ(release.damage, "");
  EXPECT_EQ(release.dir_name, m_desired.release.dir_name());
  EXPECT_EQ(release.id, m_desired.release);
  EXPECT_FALSE(release.installed_at.empty());
}

TEST_F(LiveProbe, AModifiedBinaryIsDamage) {
  test::write_text(m_dir / "bin/web", "#!/bin/sh\necho patched by hand\n");
  const InstalledRelease release = probe_only_release();
  EXPECT_FALSE(release.intact);
  EXPECT_TRUE(contains(release.damage, "binary bin/web")) << release.damage;
}

TEST_F(LiveProbe, AMissingBinaryIsDamage) {
  fs::remove(m_dir / "bin/web");
  const InstalledRelease release = probe_only_release();
  EXPECT_FALSE(release.intact);
  EXPECT_TRUE(contains(release.damage, "bin/web")) << release.damage;
}

TEST_F(LiveProbe, AModifiedOrRemovedConfigFileIsDamage) {
  test::write_text(m_dir / "etc/app.yaml", "a: 2\n");
  InstalledRelease release = probe_only_release();
  EXPECT_FALSE(release.intact);
  EXPECT_TRUE(contains(release.damage, "config file etc/app.yaml")) << release.damage;

  fs::remove(m_dir / "etc/app.yaml");
  release = probe_only_release();
  EXPECT_FALSE(release.intact);
  EXPECT_TRUE(contains(release.damage, "etc/app.yaml")) << release.damage;
}

TEST_F(LiveProbe, AMissingReleaseRecordIsDamage) {
  fs::remove(m_dir / k_release_record);
  const InstalledRelease release = probe_only_release();
  EXPECT_FALSE(release.intact);
  EXPECT_EQ(release.dir_name, m_desired.release.dir_name());
  EXPECT_TRUE(contains(release.damage, "release.json")) << release.damage;
}

TEST_F(LiveProbe, ADirNamedForAnotherReleaseIsNotIntact) {
  fs::rename(m_dir, m_layout.release_dir("web", "9.9.9-renamed"));
  const InstalledRelease release = probe_only_release();
  EXPECT_FALSE(release.intact);
  EXPECT_EQ(release.dir_name, "9.9.9-renamed");
  EXPECT_TRUE(contains(release.damage, "dir name")) << release.damage;
}

TEST_F(LiveProbe, ReadsCurrentFromTheSymlink) {
  EXPECT_EQ(probe_service(m_layout, "web", m_hashes).current_dir, std::nullopt);
  ASSERT_TRUE(switch_current(m_layout, "web", m_desired.release.dir_name()).ok());
  const LiveService live = probe_service(m_layout, "web", m_hashes);
  EXPECT_EQ(live.current_dir, m_desired.release.dir_name());
  ASSERT_NE(live.current(), nullptr);
  EXPECT_EQ(live.current()->id, m_desired.release);
}

TEST_F(LiveProbe, IgnoresDotDirsAndFilesUnderReleases) {
  fs::copy(m_dir, m_layout.releases_dir("web") / ".tmp-2.0", fs::copy_options::recursive);
  fs::copy(m_dir, m_layout.releases_dir("web") / ".old-1.0", fs::copy_options::recursive);
  test::write_text(m_layout.releases_dir("web") / "notes.txt", "not a release");
  const LiveService live = probe_service(m_layout, "web", m_hashes);
  ASSERT_EQ(live.installed.size(), 1u);
  EXPECT_EQ(live.installed.front().dir_name, m_desired.release.dir_name());
}

TEST_F(LiveProbe, SortsReleasesByDirName) {
  const DesiredService newer = test::make_release(m_tmp / "artifacts", "web", "1.5.0");
  ASSERT_TRUE(install_release(m_layout, {}, newer, std::string(40, '6')).ok());
  const LiveService live = probe_service(m_layout, "web", m_hashes);
  ASSERT_EQ(live.installed.size(), 2u);
  EXPECT_LT(live.installed[0].dir_name, live.installed[1].dir_name);
  EXPECT_TRUE(live.installed[0].intact && live.installed[1].intact);
}

TEST_F(LiveProbe, ThePidFileTellsRunningFromStopped) {
  auto pid = spawn_detached(SpawnRequest{{"/bin/sleep", "30"}, m_tmp.path(), {}, m_tmp / "log"});
  ASSERT_TRUE(pid.ok()) << pid.error().describe();
  test::ProcessGuard guard(*pid);
  const ProcessRecord record{*pid, process_start_time(*pid).value_or(0), "r1"};
  fs::create_directories(m_layout.pid_file("web").parent_path());
  ASSERT_TRUE(write_process_record(m_layout.pid_file("web"), record).ok());
  LiveService live = probe_service(m_layout, "web", m_hashes);
  EXPECT_EQ(live.process, ProcessState::running);
  EXPECT_EQ(live.process_release_dir, "r1");

  ::kill(*pid, SIGKILL);
  ::waitpid(*pid, nullptr, 0);
  live = probe_service(m_layout, "web", m_hashes);
  EXPECT_EQ(live.process, ProcessState::stopped);
  EXPECT_EQ(live.process_release_dir, "r1");
}

TEST_F(LiveProbe, NothingOnDiskIsAnEmptyService) {
  const LiveService live = probe_service(m_layout, "db", m_hashes);
  EXPECT_EQ(live.name, "db");
  EXPECT_TRUE(live.installed.empty());
  EXPECT_EQ(live.current_dir, std::nullopt);
  EXPECT_NE(live.process, ProcessState::running);
}

TEST_F(LiveProbe, ProbeAllListsEveryServiceDir) {
  fs::create_directories(m_layout.service_dir("db"));
  test::write_text(m_layout.services_dir() / "stray-file", "");
  const Live live = probe_all(m_layout, m_hashes);
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live.at("web").installed.size(), 1u);
  EXPECT_TRUE(live.at("db").installed.empty());
}

TEST_F(LiveProbe, NeverModifiesWhatItProbes) {
  test::write_text(m_dir / "bin/web", "tampered");
  ASSERT_TRUE(switch_current(m_layout, "web", m_desired.release.dir_name()).ok());
  (void)probe_all(m_layout, m_hashes);
  EXPECT_EQ(test::read_text(m_dir / "bin/web"), "tampered");
  EXPECT_TRUE(fs::exists(m_dir / k_release_record));
  EXPECT_TRUE(fs::is_symlink(m_layout.current_link("web")));
}

}  // namespace
}  // namespace tether::live_probe_test
