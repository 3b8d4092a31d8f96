#include "apply/release_installer.hpp"

#include "core/sha256.hpp"
#include "live/release_record.hpp"
#include "release_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace tether::release_installer_test {
namespace {

namespace fs = std::filesystem;
using test::ArchiveEntry;

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

const std::string k_state_commit(40, '5');

/// `desired` with other config files: the same artifact and binary, another release.
DesiredService with_config(DesiredService desired,
                           const std::map<std::string, std::string>& files) {
  desired.service.config.clear();
  for (const auto& [target, content] : files)
    desired.service.config.push_back(ConfigFile{"config/web/" + target, target});
  desired.config_files = files;
  desired.release.config_hash = config_hash(files);
  return desired;
}

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

class ReleaseInstaller : public ::testing::Test {
 protected:
  test::TempDir m_tmp;
  Layout m_layout{m_tmp / "root"};
  fs::path m_artifacts = m_tmp / "artifacts";
};

TEST_F(ReleaseInstaller, BuildsAVerifiedReleaseDirWithConfigAndRecord) {
  const DesiredService desired =
      test::make_release(m_artifacts, "web", "1.4.2", {{"etc/app.yaml", "port: 8080\n"}});
  const Status status = install_release(m_layout, {}, desired, k_state_commit);
  ASSERT_TRUE(status.ok()) << status.error().describe();

  const std::string dir_name = desired.release.dir_name();
  const fs::path dir = m_layout.release_dir("web", dir_name);
  EXPECT_EQ(names_in(m_layout.releases_dir("web")), std::vector<std::string>{dir_name});
  EXPECT_EQ(test::read_text(dir / "bin/web"), test::release_binary("web", "1.4.2"));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "bin/web").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0555u);  // read-only, whatever the artifact said
  EXPECT_EQ(test::read_text(dir / "etc/app.yaml"), "port: 8080\n");

  auto record = read_release_record(dir);
  ASSERT_TRUE(record.ok()) << record.error().describe();
  EXPECT_EQ(record->id, desired.release);
  EXPECT_EQ(record->service, "web");
  EXPECT_EQ(record->state_commit, k_state_commit);
  EXPECT_EQ(record->binary_path, "bin/web");
  EXPECT_EQ(record->artifact_url, desired.service.release()->artifact.url);
  EXPECT_EQ(record->config_digests.at("etc/app.yaml"), Sha256::of("port: 8080\n"));
  EXPECT_FALSE(record->installed_at.empty());
  // The artifact was verified into the cache on the way.
  EXPECT_TRUE(fs::exists(m_layout.artifact_cache() / desired.service.release()->artifact.sha256));
}

TEST_F(ReleaseInstaller, WrongBinaryDigestLeavesNoReleaseAndNoTempDir) {
  DesiredService desired = test::make_release(m_artifacts, "web", "1.4.2");
  std::get<ReleaseSpec>(desired.service.workload).binary.sha256 = Sha256::of("another binary");
  const Status status = install_release(m_layout, {}, desired, k_state_commit);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("bin/web"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find(Sha256::of("another binary")), std::string::npos);
  EXPECT_NE(status.error().message.find(Sha256::of(test::release_binary("web", "1.4.2"))),
            std::string::npos);
  EXPECT_TRUE(names_in(m_layout.releases_dir("web")).empty());
}

TEST_F(ReleaseInstaller, MissingBinaryInTheArtifactIsRefused) {
  DesiredService desired = test::make_release(m_artifacts, "web", "1.4.2");
  std::get<ReleaseSpec>(desired.service.workload).binary.path = "bin/nope";
  const Status status = install_release(m_layout, {}, desired, k_state_commit);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("bin/nope"), std::string::npos) << status.error().message;
  EXPECT_TRUE(names_in(m_layout.releases_dir("web")).empty());
}

TEST_F(ReleaseInstaller, WrongArtifactDigestInstallsNothing) {
  DesiredService desired = test::make_release(m_artifacts, "web", "1.4.2");
  std::get<ReleaseSpec>(desired.service.workload).artifact.sha256 = Sha256::of("other artifact");
  ASSERT_FALSE(install_release(m_layout, {}, desired, k_state_commit).ok());
  EXPECT_TRUE(names_in(m_layout.releases_dir("web")).empty());
  EXPECT_TRUE(names_in(m_layout.artifact_cache()).empty());
}

TEST_F(ReleaseInstaller, RefusesAConfigTargetThroughASymlinkInTheArtifact) {
  const DesiredService desired = test::make_release(
      m_artifacts,
      "web",
      "1.4.2",
      {{"etc/app.yaml", "port: 8080\n"}},
      {{"etc", "bin", ArchiveEntry::Type::symlink}});  // inside, so the unpacker allows it
  const Status status = install_release(m_layout, {}, desired, k_state_commit);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("etc/app.yaml"), std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find("symlink"), std::string::npos) << status.error().message;
  EXPECT_TRUE(names_in(m_layout.releases_dir("web")).empty());
}

TEST_F(ReleaseInstaller, ReinstallReplacesADamagedReleaseDir) {
  const DesiredService desired =
      test::make_release(m_artifacts, "web", "1.4.2", {{"etc/app.yaml", "port: 8080\n"}});
  ASSERT_TRUE(install_release(m_layout, {}, desired, k_state_commit).ok());
  const fs::path dir = m_layout.release_dir("web", desired.release.dir_name());
  test::write_text(dir / "bin/web", "tampered");
  fs::remove(dir / "etc/app.yaml");
  test::write_text(dir / "junk", "left by someone");

  const Status again = install_release(m_layout, {}, desired, k_state_commit);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(test::read_text(dir / "bin/web"), test::release_binary("web", "1.4.2"));
  EXPECT_EQ(test::read_text(dir / "etc/app.yaml"), "port: 8080\n");
  EXPECT_FALSE(fs::exists(dir / "junk"));
  EXPECT_EQ(names_in(m_layout.releases_dir("web")),
            std::vector<std::string>{desired.release.dir_name()});
}

TEST_F(ReleaseInstaller, RemovesHalfBuiltDirsLeftByACrash) {
  const DesiredService desired = test::make_release(m_artifacts, "web", "1.4.2");
  test::write_text(m_layout.releases_dir("web") / ".tmp-0.9-dead/bin/web", "half");
  test::write_text(m_layout.releases_dir("web") / ".old-0.8-dead/bin/web", "old");
  ASSERT_TRUE(install_release(m_layout, {}, desired, k_state_commit).ok());
  EXPECT_EQ(names_in(m_layout.releases_dir("web")),
            std::vector<std::string>{desired.release.dir_name()});
}

TEST_F(ReleaseInstaller, KeepsOtherReleasesBesideTheNewOne) {
  const DesiredService old_release = test::make_release(m_artifacts, "web", "1.4.2");
  const DesiredService new_release = test::make_release(m_artifacts, "web", "1.5.0");
  ASSERT_TRUE(install_release(m_layout, {}, old_release, k_state_commit).ok());
  ASSERT_TRUE(install_release(m_layout, {}, new_release, k_state_commit).ok());
  std::vector<std::string> both{old_release.release.dir_name(), new_release.release.dir_name()};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(names_in(m_layout.releases_dir("web")), both);
}

/// Issue #22: a config-only change of a release already installed.
class ConfigOnlyChange : public ReleaseInstaller {
 protected:
  void SetUp() override {
    ASSERT_TRUE(install_release(m_layout, {}, m_first, k_state_commit).ok());
  }
  /// The archive and its cached copy gone: an install that needed to unpack would fail.
  void remove_the_artifact() {
    fs::remove(m_artifacts / "web-1.4.2.tar.gz");
    fs::remove_all(m_layout.artifact_cache());
  }
  [[nodiscard]] fs::path first_dir() const {
    return m_layout.release_dir("web", m_first.release.dir_name());
  }

  DesiredService m_first =
      test::make_release(m_artifacts, "web", "1.4.2", {{"etc/app.yaml", "port: 8080\n"}});
  DesiredService m_second = with_config(m_first, {{"etc/app.yaml", "port: 9090\n"}});
};

TEST_F(ConfigOnlyChange, CopiesTheInstalledReleaseInsteadOfUnpackingTheArtifact) {
  remove_the_artifact();
  const Status status = install_release(m_layout, {}, m_second, k_state_commit);
  ASSERT_TRUE(status.ok()) << status.error().describe();
  const fs::path dir = m_layout.release_dir("web", m_second.release.dir_name());
  EXPECT_EQ(test::read_text(dir / "bin/web"), test::release_binary("web", "1.4.2"));
  EXPECT_EQ(test::read_text(dir / "etc/app.yaml"), "port: 9090\n");
  EXPECT_EQ(read_release_record(dir)->id, m_second.release);
  // A copy, not a link: the serving release and the new one share no file.
  EXPECT_NE(inode_of(dir / "bin/web"), inode_of(first_dir() / "bin/web"));
  // The first release is as it was.
  EXPECT_EQ(test::read_text(first_dir() / "etc/app.yaml"), "port: 8080\n");
}

TEST_F(ConfigOnlyChange, UnpacksAgainWhenTheInstalledReleaseNoLongerMatchesTheArtifact) {
  test::write_text(first_dir() / "bin/web", "changed by the service");
  const Status status = install_release(m_layout, {}, m_second, k_state_commit);
  ASSERT_TRUE(status.ok()) << status.error().describe();
  const fs::path dir = m_layout.release_dir("web", m_second.release.dir_name());
  EXPECT_EQ(test::read_text(dir / "bin/web"), test::release_binary("web", "1.4.2"));
}

TEST_F(ConfigOnlyChange, NeverInstallsWhatDiffersFromTheArtifact) {
  test::write_text(first_dir() / "bin/web", "changed by the service");
  remove_the_artifact();
  EXPECT_FALSE(install_release(m_layout, {}, m_second, k_state_commit).ok());
  EXPECT_EQ(names_in(m_layout.releases_dir("web")),
            std::vector<std::string>{m_first.release.dir_name()});
}

TEST_F(ConfigOnlyChange, AnArtifactFileTheOldConfigReplacedIsTakenFromTheArtifact) {
  // The first release's config file stands where the artifact had its own file: that file
  // cannot be copied from the release, so the artifact is unpacked again.
  const DesiredService first = test::make_release(m_artifacts,
                                                  "web",
                                                  "2.0.0",
                                                  {{"etc/app.yaml", "from config\n"}},
                                                  {{"etc/app.yaml", "shipped\n"}});
  ASSERT_TRUE(install_release(m_layout, {}, first, k_state_commit).ok());
  const DesiredService second = with_config(first, {{"etc/other.yaml", "x\n"}});
  const Status status = install_release(m_layout, {}, second, k_state_commit);
  ASSERT_TRUE(status.ok()) << status.error().describe();
  const fs::path dir = m_layout.release_dir("web", second.release.dir_name());
  EXPECT_EQ(test::read_text(dir / "etc/app.yaml"), "shipped\n");
  EXPECT_EQ(test::read_text(dir / "etc/other.yaml"), "x\n");
}

TEST_F(ConfigOnlyChange, HandsTheVerifiedBinaryDigestToTheProbe) {
  VouchedDigest verified;
  const Status status = install_release(m_layout, {}, m_second, k_state_commit, {}, &verified);
  ASSERT_TRUE(status.ok()) << status.error().describe();
  const fs::path binary = m_layout.release_dir("web", m_second.release.dir_name()) / "bin/web";
  EXPECT_EQ(verified.path, binary);
  EXPECT_EQ(verified.sha256, Sha256::of(test::release_binary("web", "1.4.2")));
  // The probe's cache takes it, and reads nothing.
  HashCache hashes;
  ASSERT_TRUE(hashes.vouch(verified));
  EXPECT_EQ(*hashes.sha256(binary), verified.sha256);
  EXPECT_EQ(hashes.files_hashed(), 0u);
}

TEST_F(ConfigOnlyChange, AConfigFilePlacedOverTheCopiedBinaryIsHashedAndRefused) {
  // The copy hashed the binary it wrote; a config file of the same name replaces that file,
  // so the copy's digest no longer vouches for what would run.
  const DesiredService second = with_config(m_first, {{"bin/web", "not the binary\n"}});
  VouchedDigest verified;
  const Status status = install_release(m_layout, {}, second, k_state_commit, {}, &verified);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("has sha256 " + Sha256::of("not the binary\n")),
            std::string::npos)
      << status.error().message;
  EXPECT_TRUE(verified.sha256.empty());
}

}  // namespace
}  // namespace tether::release_installer_test
