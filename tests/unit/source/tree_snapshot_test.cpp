// Issue #18, 6: reading the state repo's tree is bounded. A blob past the per-file cap is
// refused from its header (not inflated), many names for one big blob stop at the total cap,
// and a fan-out tree stops at the entry cap; each error names the path and the limit.
#include "command.hpp"
#include "git_bombs.hpp"
#include "git_fixture.hpp"
#include "source/git_source.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace tether::tree_snapshot_test {
namespace {

namespace fs = std::filesystem;

class TreeSnapshotTest : public ::testing::Test {
 protected:
  TreeSnapshotTest() {
    m_repo.write("services/web.yaml", "kind: Service\n");
    m_repo.write("config/web/app.yaml", "port: 8080\n");
  }

  /// The snapshot at `commit`, read straight from the bare repo (no fetch needed).
  Result<StateSnapshot> snapshot(const std::string& commit) {
    auto source = GitSource::open({m_repo.bare(), m_repo.file_url(), "main", {}, {}});
    if (!source) return source.error();
    return (*source)->snapshot(commit);
  }
  void expect_refused(const std::string& commit, const std::vector<std::string>& parts) {
    const auto read = snapshot(commit);
    ASSERT_FALSE(read.ok()) << "read " << read->files.size() << " files";
    for (const std::string& part : parts) {
      EXPECT_NE(read.error().describe().find(part), std::string::npos) << read.error().describe();
    }
  }

  test::TempDir m_tmp;
  test::StateRepo m_repo{m_tmp / "remote"};
};

TEST_F(TreeSnapshotTest, ReadsTrackedFilesAndRemembersSymlinksWithoutReadingThem) {
  fs::create_symlink("/etc/shadow", m_repo.work() / "config/web/secret");
  m_repo.write("README.md", "not read\n");
  const auto read = snapshot(m_repo.commit("first"));
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(read->files.at("config/web/app.yaml"), "port: 8080\n");
  EXPECT_EQ(read->files.count("README.md"), 0U);
  EXPECT_EQ(read->files.count("config/web/secret"), 0U);
  EXPECT_EQ(read->symlinks.count("config/web/secret"), 1U);
}

TEST_F(TreeSnapshotTest, AFileOverThePerFileCapIsRefusedNamingIt) {
  m_repo.write("config/web/huge.bin", std::string(9 * 1024 * 1024, 'x'));
  expect_refused(m_repo.commit("huge"), {"config/web/huge.bin is 9 MiB", "the 8 MiB"});
}

TEST_F(TreeSnapshotTest, ManyNamesForOneBigBlobStopAtTheTotalCap) {
  m_repo.commit("first");
  const std::string tree = test::repeated_blob_tree(m_repo.work(), 400, 7 * 1024 * 1024);
  expect_refused(test::push_config_tree(m_repo.work(), "many", tree),
                 {"add up to more than 64 MiB", "stopped at config/many/f"});
}

TEST_F(TreeSnapshotTest, AFanOutTreeStopsAtTheEntryCap) {
  m_repo.commit("first");
  const std::string tree = test::fan_out_tree(m_repo.work(), 10, 8);  // 10^8 files
  expect_refused(test::push_config_tree(m_repo.work(), "fan", tree),
                 {"more than 20000 files and dirs", "stopped at config/fan/"});
}

TEST_F(TreeSnapshotTest, ADeepTreeStopsAtTheDepthCap) {
  m_repo.commit("first");
  const std::string tree = test::fan_out_tree(m_repo.work(), 1, 20);
  expect_refused(test::push_config_tree(m_repo.work(), "deep", tree),
                 {"nested more than 16 dirs deep", "config/deep/n0/n0"});
}

}  // namespace
}  // namespace tether::tree_snapshot_test

namespace tether::tree_snapshot_test {
namespace {

// Issue #22: a snapshot names each file's blob, and a source reading the next commit takes
// the blobs it read before from memory; the content is still the commit's.
TEST_F(TreeSnapshotTest, BlobIdsNameTheContentAcrossCommits) {
  auto source = GitSource::open({m_repo.bare(), m_repo.file_url(), "main", {}, {}});
  ASSERT_TRUE(source.ok()) << source.error().describe();
  const auto first = (*source)->snapshot(m_repo.commit("first"));
  ASSERT_TRUE(first.ok()) << first.error().describe();
  ASSERT_EQ(first->blob_ids.size(), first->files.size());
  EXPECT_EQ(first->blob_ids.at("services/web.yaml").size(), 40u);

  m_repo.write("config/web/app.yaml", "port: 9090\n");
  const auto second = (*source)->snapshot(m_repo.commit("second"));
  ASSERT_TRUE(second.ok()) << second.error().describe();
  EXPECT_EQ(second->files.at("config/web/app.yaml"), "port: 9090\n");
  EXPECT_EQ(second->files.at("services/web.yaml"), "kind: Service\n");
  EXPECT_EQ(second->blob_ids.at("services/web.yaml"), first->blob_ids.at("services/web.yaml"));
  EXPECT_NE(second->blob_ids.at("config/web/app.yaml"), first->blob_ids.at("config/web/app.yaml"));
  // Back to the first commit: its own content again, whatever was read in between.
  const auto again = (*source)->snapshot(first->commit);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->files, first->files);
}

}  // namespace
}  // namespace tether::tree_snapshot_test
