#include "apply/artifact_tree.hpp"

#include "apply/archive_unpacker.hpp"
#include "archive_builder.hpp"
#include "core/sha256.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace tether::artifact_tree_test {
namespace {

namespace fs = std::filesystem;
using test::ArchiveEntry;
using Kind = ArtifactEntry::Kind;

ArtifactEntry dir_entry(const std::string& path) { return {path, Kind::dir, 0, 0, "", ""}; }

ArtifactEntry file_entry(const std::string& path, unsigned mode, const std::string& content) {
  return {path, Kind::file, mode, static_cast<long long>(content.size()), Sha256::of(content), ""};
}

ArtifactEntry link_entry(const std::string& path, const std::string& target) {
  return {path, Kind::symlink, 0, 0, "", target};
}

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

class ArtifactTreeTest : public ::testing::Test {
 protected:
  /// Unpacks a small artifact into `installed` (a release dir with a record of tether's own).
  void SetUp() override {
    const fs::path archive = m_tmp / "app.tar.gz";
    test::write_tar_gz(archive,
                       {{"bin", "", ArchiveEntry::Type::dir, 0755},
                        {"bin/app", "#!/bin/sh\necho app\n", ArchiveEntry::Type::file, 0755},
                        {"share/data.txt", "data\n", ArchiveEntry::Type::file, 0644},
                        {"current-app", "bin/app", ArchiveEntry::Type::symlink}});
    fs::create_directories(m_installed);
    ASSERT_TRUE(unpack_archive(archive, m_installed).ok());
    test::write_text(m_installed / ".tether/release.json", "{}");
    auto dir = ConfinedDir::open(m_installed);
    ASSERT_TRUE(dir.ok());
    auto tree = list_artifact_tree(*dir);
    ASSERT_TRUE(tree.ok()) << tree.error().describe();
    m_tree = *tree;
  }

  [[nodiscard]] Status copy_into_fresh(const ArtifactTree& tree, const UnpackLimits& limits = {}) {
    auto from = ConfinedDir::open(m_installed);
    auto to = ConfinedDir::create_fresh(m_tmp.path(), "new");
    if (!from || !to) return Error{"cannot open the dirs", ""};
    return copy_artifact_tree(tree, *from, *to, limits);
  }

  test::TempDir m_tmp;
  fs::path m_installed = m_tmp / "installed";
  ArtifactTree m_tree;
};

TEST_F(ArtifactTreeTest, ListsWhatWasUnpackedSortedWithDigestsAndWithoutTethersRecord) {
  const std::vector<ArtifactEntry> expected{
      dir_entry("bin"),
      file_entry("bin/app", 0555, "#!/bin/sh\necho app\n"),
      link_entry("current-app", "bin/app"),
      dir_entry("share"),
      file_entry("share/data.txt", 0444, "data\n"),
  };
  EXPECT_EQ(m_tree.entries, expected);
  EXPECT_EQ(m_tree.bytes(), 24);
}

TEST_F(ArtifactTreeTest, ReadsBackWhatItWrites) {
  auto back = artifact_tree_from_json(to_json_text(m_tree));
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(*back, m_tree);
  EXPECT_FALSE(artifact_tree_from_json("{\"version\": 2, \"entries\": []}").ok());
  EXPECT_FALSE(artifact_tree_from_json("not json").ok());
}

TEST_F(ArtifactTreeTest, KeptPerArtifactDigestUnderTheRoot) {
  const Layout layout{m_tmp / "root"};
  const std::string digest = Sha256::of("artifact");
  EXPECT_FALSE(load_artifact_tree(layout, digest).has_value());
  ASSERT_TRUE(save_artifact_tree(layout, digest, m_tree).ok());
  EXPECT_EQ(load_artifact_tree(layout, digest), m_tree);
  EXPECT_FALSE(load_artifact_tree(layout, Sha256::of("another")).has_value());
}

TEST_F(ArtifactTreeTest, CopiesEveryFileAsANewInodeWithItsModeAndNothingElse) {
  const Status copied = copy_into_fresh(m_tree);
  ASSERT_TRUE(copied.ok()) << copied.error().describe();
  const fs::path made = m_tmp / "new";
  EXPECT_EQ(test::read_text(made / "bin/app"), "#!/bin/sh\necho app\n");
  EXPECT_EQ(test::read_text(made / "share/data.txt"), "data\n");
  EXPECT_EQ(fs::read_symlink(made / "current-app"), "bin/app");
  // Not hard links: nothing the serving release's process writes can reach the new one.
  EXPECT_NE(inode_of(made / "bin/app"), inode_of(m_installed / "bin/app"));
  EXPECT_EQ(fs::status(made / "bin/app").permissions(), fs::perms(0555));
  EXPECT_FALSE(fs::exists(made / ".tether"));
}

TEST_F(ArtifactTreeTest, RefusesAFileThatNoLongerMatchesTheArtifact) {
  fs::permissions(m_installed / "share/data.txt", fs::perms::owner_write, fs::perm_options::add);
  test::write_text(m_installed / "share/data.txt", "written by the service\n");
  const Status copied = copy_into_fresh(m_tree);
  ASSERT_FALSE(copied.ok());
  EXPECT_NE(copied.error().message.find("share/data.txt"), std::string::npos)
      << copied.error().message;
}

TEST_F(ArtifactTreeTest, RefusesASymlinkWhereTheArtifactHadAFile) {
  fs::remove(m_installed / "share/data.txt");
  fs::create_symlink("/etc/hostname", m_installed / "share/data.txt");
  EXPECT_FALSE(copy_into_fresh(m_tree).ok());
}

TEST_F(ArtifactTreeTest, RefusesAListThatLinksOutOrWritesTethersOwnRecord) {
  ArtifactTree out = m_tree;
  out.entries.push_back(link_entry("escape", "../../etc"));
  EXPECT_FALSE(copy_into_fresh(out).ok());
  ArtifactTree record = m_tree;
  record.entries.push_back(dir_entry(".tether"));
  EXPECT_FALSE(copy_into_fresh(record).ok());
}

TEST_F(ArtifactTreeTest, RefusesATreePastTheLimitsOfTheNewRelease) {
  EXPECT_FALSE(copy_into_fresh(m_tree, UnpackLimits{20, 100}).ok());
  EXPECT_FALSE(copy_into_fresh(m_tree, UnpackLimits{1024, 4}).ok());
  EXPECT_TRUE(copy_into_fresh(m_tree, UnpackLimits{24, 5}).ok());
}

}  // namespace
}  // namespace tether::artifact_tree_test
