#include "source/git_source.hpp"

#include "command.hpp"
#include "git_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

namespace tether::git_source_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Number of object files (loose or packed) stored in a bare repo's own object dir.
int own_objects(const fs::path& repo) {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(repo / "objects")) {
    if (entry.is_regular_file() && entry.path().parent_path().filename() != "info") ++count;
  }
  return count;
}

class GitSourceTest : public ::testing::Test {
 protected:
  GitSourceTest() {
    m_repo.write("services/web.yaml", "kind: Service\nname: web\n");
    m_repo.write("hosts/web-01.yaml", "kind: Host\n");
    m_repo.write("config/web/app.yaml", "port: 8080\n");
    m_repo.write("README.md", "# state repo\n");
    m_repo.write("ci/check.sh", "#!/bin/sh\n");
    m_first = m_repo.commit("first");
  }

  Result<std::unique_ptr<GitSource>> open(const std::string& url,
                                          const std::string& branch = "main") {
    return GitSource::open(GitSourceOptions{m_mirror, url, branch, /*alternate_objects=*/{}, {}});
  }

  /// The mirror of m_repo; throws (failing the test) when it cannot be opened.
  std::unique_ptr<GitSource> open_ok() {
    auto source = open(m_repo.file_url());
    if (!source) throw std::runtime_error("GitSource::open: " + source.error().describe());
    return std::move(source.value());
  }

  test::TempDir m_tmp;
  test::StateRepo m_repo{m_tmp / "remote"};
  fs::path m_mirror = m_tmp / "root" / "repo.git";
  std::string m_first;
};

TEST_F(GitSourceTest, OpenCreatesABareMirror) {
  open_ok();
  EXPECT_TRUE(fs::exists(m_mirror / "HEAD"));
  EXPECT_FALSE(fs::exists(m_mirror / ".git"));
  EXPECT_EQ(test::run_ok({"git", "-C", m_mirror.string(), "rev-parse", "--is-bare-repository"}),
            "true\n");
}

TEST_F(GitSourceTest, FetchReturnsThePushedTipAndSnapshotReadsTheTrackedDirs) {
  auto source = open_ok();
  auto tip = source->fetch();
  ASSERT_TRUE(tip.ok()) << tip.error().describe();
  EXPECT_EQ(*tip, m_first);

  auto snapshot = source->snapshot(*tip);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().describe();
  EXPECT_EQ(snapshot->commit, m_first);
  const std::map<std::string, std::string> expected = {
      {"config/web/app.yaml", "port: 8080\n"},
      {"hosts/web-01.yaml", "kind: Host\n"},
      {"services/web.yaml", "kind: Service\nname: web\n"}};
  EXPECT_EQ(snapshot->files, expected);
}

TEST_F(GitSourceTest, SnapshotKeepsBytesExactlyAndSkipsSymlinks) {
  const std::string binaryish("line1\r\nno newline at end\0nul", 28);
  m_repo.write("config/web/raw.bin", binaryish);
  fs::create_symlink("/etc/passwd", m_repo.work() / "config/web/passwd");
  const std::string sha = m_repo.commit("raw");
  auto source = open_ok();
  ASSERT_TRUE(source->fetch().ok());
  auto snapshot = source->snapshot(sha);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().describe();
  EXPECT_EQ(snapshot->files.at("config/web/raw.bin"), binaryish);
  EXPECT_EQ(snapshot->files.count("config/web/passwd"), 0u);
}

TEST_F(GitSourceTest, FetchFollowsNewCommitsAndOldSnapshotsStayReadable) {
  auto source = open_ok();
  ASSERT_TRUE(source->fetch().ok());
  m_repo.write("services/web.yaml", "kind: Service\nname: web\nversion: 2\n");
  m_repo.remove("hosts/web-01.yaml");
  const std::string second = m_repo.commit("second");

  auto tip = source->fetch();
  ASSERT_TRUE(tip.ok()) << tip.error().describe();
  EXPECT_EQ(*tip, second);
  auto now = source->snapshot(second);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->files.at("services/web.yaml"), "kind: Service\nname: web\nversion: 2\n");
  EXPECT_EQ(now->files.count("hosts/web-01.yaml"), 0u);
  auto before = source->snapshot(m_first);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->files.at("hosts/web-01.yaml"), "kind: Host\n");
}

TEST_F(GitSourceTest, FetchWithNothingNewDownloadsNothing) {
  auto source = open_ok();
  ASSERT_TRUE(source->fetch().ok());
  // libgit2 rewrites FETCH_HEAD on every download; its absence shows none happened.
  ASSERT_TRUE(fs::remove(m_mirror / "FETCH_HEAD"));
  auto tip = source->fetch();
  ASSERT_TRUE(tip.ok()) << tip.error().describe();
  EXPECT_EQ(*tip, m_first);
  EXPECT_FALSE(fs::exists(m_mirror / "FETCH_HEAD"));
}

TEST_F(GitSourceTest, ARevertBackToAFetchedTreeWorks) {
  auto source = open_ok();
  ASSERT_TRUE(source->fetch().ok());
  const auto first_files = source->snapshot(m_first).value().files;
  m_repo.write("services/web.yaml", "kind: Service\nname: web\nversion: bad\n");
  const std::string bad = m_repo.commit("bad release");
  ASSERT_EQ(source->fetch().value(), bad);
  const std::string revert = m_repo.revert(bad);

  auto tip = source->fetch();
  ASSERT_TRUE(tip.ok()) << tip.error().describe();
  EXPECT_EQ(*tip, revert);
  auto snapshot = source->snapshot(revert);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().describe();
  EXPECT_EQ(snapshot->files, first_files);
}

TEST_F(GitSourceTest, ATipResetToAnOlderCommitIsFollowedWithoutDownloading) {
  auto source = open_ok();
  ASSERT_TRUE(source->fetch().ok());
  m_repo.write("services/web.yaml", "v2\n");
  ASSERT_EQ(source->fetch().value(), m_repo.commit("second"));
  test::run_ok({"git", "-C", m_repo.bare().string(), "update-ref", "refs/heads/main", m_first});
  ASSERT_TRUE(fs::remove(m_mirror / "FETCH_HEAD"));
  EXPECT_EQ(source->fetch().value(), m_first);
  EXPECT_FALSE(fs::exists(m_mirror / "FETCH_HEAD"));
}

TEST_F(GitSourceTest, FetchesOverTheGitProtocol) {
  test::GitDaemon daemon(m_tmp / "remote");
  auto source = open(daemon.url("state.git"));
  ASSERT_TRUE(source.ok()) << source.error().describe();
  auto tip = (*source)->fetch();
  ASSERT_TRUE(tip.ok()) << tip.error().describe();
  EXPECT_EQ(*tip, m_first);
  EXPECT_EQ((*source)->snapshot(*tip).value().files.at("config/web/app.yaml"), "port: 8080\n");
}

TEST_F(GitSourceTest, AMissingBranchIsAnErrorNamingIt) {
  auto source = open(m_repo.file_url(), "release-2026");
  ASSERT_TRUE(source.ok()) << source.error().describe();
  auto tip = (*source)->fetch();
  ASSERT_FALSE(tip.ok());
  EXPECT_TRUE(contains(tip.error().message, "release-2026")) << tip.error().message;
  EXPECT_FALSE(tip.error().hint.empty());
}

TEST_F(GitSourceTest, AnUnreachableRemoteIsAnErrorNamingTheUrl) {
  const std::string url = "git://127.0.0.1:" + std::to_string(test::free_port()) + "/state.git";
  auto source = open(url);
  ASSERT_TRUE(source.ok()) << source.error().describe();
  auto tip = (*source)->fetch();
  ASSERT_FALSE(tip.ok());
  EXPECT_TRUE(contains(tip.error().message, url)) << tip.error().message;
}

TEST_F(GitSourceTest, ReopeningPointsTheMirrorAtANewUrl) {
  open_ok();
  test::StateRepo other(m_tmp / "other");
  other.write("services/db.yaml", "kind: Service\nname: db\n");
  const std::string other_tip = other.commit("db");
  auto source = open(other.file_url());
  ASSERT_TRUE(source.ok()) << source.error().describe();
  EXPECT_EQ((*source)->fetch().value(), other_tip);
}

TEST_F(GitSourceTest, SnapshotOfAnUnknownCommitIsAnError) {
  auto source = open_ok();
  ASSERT_TRUE(source->fetch().ok());
  EXPECT_FALSE(source->snapshot(std::string(40, '0')).ok());
  EXPECT_FALSE(source->snapshot("not-hex").ok());
}

TEST_F(GitSourceTest, AlternateObjectsLetAScratchMirrorReadWithoutCopying) {
  auto agent = open_ok();
  ASSERT_TRUE(agent->fetch().ok());
  const fs::path scratch = m_tmp / "scratch.git";
  auto dry_run = GitSource::open(
      GitSourceOptions{scratch, m_repo.file_url(), "main", m_mirror / "objects", {}});
  ASSERT_TRUE(dry_run.ok()) << dry_run.error().describe();
  auto tip = (*dry_run)->fetch();
  ASSERT_TRUE(tip.ok()) << tip.error().describe();
  EXPECT_EQ(*tip, m_first);
  auto snapshot = (*dry_run)->snapshot(*tip);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().describe();
  EXPECT_EQ(snapshot->files.at("services/web.yaml"), "kind: Service\nname: web\n");
  EXPECT_EQ(own_objects(scratch), 0) << "objects were copied into the scratch mirror";
  EXPECT_GT(own_objects(m_mirror), 0) << "the agent's mirror holds them";
}

}  // namespace
}  // namespace tether::git_source_test
