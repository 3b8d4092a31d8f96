#include "core/files.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace tether::files_test {
namespace {

namespace fs = std::filesystem;

using test::names_in;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// write_file_atomic and replace_file differ only in the fsyncs, which no test can observe
// short of a power cut: both must replace by rename and clean up after themselves.
using ReplaceFunction = Status (*)(const fs::path&, const std::string&);

class FileReplacement : public ::testing::TestWithParam<ReplaceFunction> {};

TEST_P(FileReplacement, CreatesThenReplacesContentAndLeavesNoTempFile) {
  test::TempDir tmp;
  const fs::path file = tmp / "state.json";
  ASSERT_TRUE(GetParam()(file, "first, and longer\n").ok());
  EXPECT_EQ(test::read_text(file), "first, and longer\n");
  ASSERT_TRUE(GetParam()(file, "second\n").ok());
  EXPECT_EQ(test::read_text(file), "second\n");
  EXPECT_EQ(names_in(tmp.path()), std::vector<std::string>{"state.json"});
}

TEST_P(FileReplacement, ReplacesTheFileInsteadOfWritingIntoIt) {
  test::TempDir tmp;
  const fs::path file = tmp / "f";
  test::write_text(file, "old");
  // A hard link keeps the old inode reachable: an in-place write would change it too.
  fs::create_hard_link(file, tmp / "old-inode");
  ASSERT_TRUE(GetParam()(file, "new").ok());
  EXPECT_EQ(test::read_text(file), "new");
  EXPECT_EQ(test::read_text(tmp / "old-inode"), "old");
}

TEST_P(FileReplacement, ErrorNamesThePathWhenTheDirIsMissing) {
  test::TempDir tmp;
  const fs::path file = tmp / "missing" / "f";
  const Status status = GetParam()(file, "x");
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.error().message, (tmp / "missing").string()))
      << status.error().message;
}

INSTANTIATE_TEST_SUITE_P(Durable, FileReplacement, ::testing::Values(&write_file_atomic));
INSTANTIATE_TEST_SUITE_P(NotSynced, FileReplacement, ::testing::Values(&replace_file));

TEST(WriteFileSynced, AppliesTheRequestedMode) {
  test::TempDir tmp;
  ASSERT_TRUE(write_file_synced(tmp / "secret", "s", 0600).ok());
  ASSERT_TRUE(write_file_synced(tmp / "plain", "p").ok());
  struct stat st {};
  ASSERT_EQ(::stat((tmp / "secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(test::read_text(tmp / "secret"), "s");
  ASSERT_EQ(::stat((tmp / "plain").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0600, 0600u);
}

TEST(AppendLineSynced, CreatesTheFileAndAppendsOneLineEachTime) {
  test::TempDir tmp;
  const fs::path file = tmp / "journal.jsonl";
  ASSERT_TRUE(append_line_synced(file, "one").ok());
  ASSERT_TRUE(append_line_synced(file, "two").ok());
  EXPECT_EQ(test::read_text(file), "one\ntwo\n");
}

TEST(AppendLineSynced, KeepsExistingContent) {
  test::TempDir tmp;
  const fs::path file = tmp / "log";
  test::write_text(file, "earlier\n");
  ASSERT_TRUE(append_line_synced(file, "later").ok());
  EXPECT_EQ(test::read_text(file), "earlier\nlater\n");
}

TEST(ReadFile, ReturnsExactBytes) {
  test::TempDir tmp;
  const std::string bytes("a\0b\r\n\xff", 6);
  test::write_text(tmp / "bin", bytes);
  auto text = read_file(tmp / "bin");
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_EQ(*text, bytes);
}

TEST(ReadFile, ErrorNamesThePathAndTheReason) {
  test::TempDir tmp;
  auto text = read_file(tmp / "nope.yaml");
  ASSERT_FALSE(text.ok());
  EXPECT_TRUE(contains(text.error().message, (tmp / "nope.yaml").string())) << text.error().message;
  EXPECT_TRUE(contains(text.error().message, "No such file")) << text.error().message;
}

TEST(ReadFile, ADirectoryIsAnErrorNotAnEmptyFile) {
  test::TempDir tmp;
  fs::create_directory(tmp / "dir");
  auto text = read_file(tmp / "dir");
  EXPECT_FALSE(text.ok()) << "read_file of a directory returned \"" << *text << "\"";
}

TEST(ReadFile, AFifoIsRefusedAtOnceInsteadOfWaitingForAWriter) {
  // An operator's token file or known_hosts that is a FIFO would hang the agent in open(2).
  test::TempDir tmp;
  ASSERT_EQ(::mkfifo((tmp / "token").c_str(), 0600), 0);
  auto text = read_file(tmp / "token");
  ASSERT_FALSE(text.ok());
  EXPECT_TRUE(contains(text.error().message, "not a regular file")) << text.error().message;
  EXPECT_TRUE(contains(text.error().message, (tmp / "token").string())) << text.error().message;
}

TEST(ReadFile, ADeviceIsRefusedInsteadOfReadForever) {
  auto text = read_file("/dev/zero");
  ASSERT_FALSE(text.ok());
  EXPECT_TRUE(contains(text.error().message, "not a regular file")) << text.error().message;
}

TEST(ReadFile, ReadsProcFilesWhoseSizeIsZero) {
  auto text = read_file("/proc/self/stat");
  ASSERT_TRUE(text.ok()) << text.error().describe();
  EXPECT_FALSE(text->empty());
}

TEST(MakeDirs, CreatesParentsAndNamesThePathOnError) {
  test::TempDir tmp;
  ASSERT_TRUE(make_dirs(tmp / "a" / "b" / "c").ok());
  EXPECT_TRUE(fs::is_directory(tmp / "a" / "b" / "c"));
  EXPECT_TRUE(make_dirs(tmp / "a" / "b" / "c").ok()) << "existing dirs are fine";
  test::write_text(tmp / "file", "");
  const Status status = make_dirs(tmp / "file" / "sub");
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.error().message, (tmp / "file" / "sub").string()));
}

TEST(FsyncPath, WorksOnFilesAndDirsAndNamesAMissingPath) {
  test::TempDir tmp;
  test::write_text(tmp / "f", "x");
  EXPECT_TRUE(fsync_path(tmp / "f").ok());
  EXPECT_TRUE(fsync_path(tmp.path()).ok());
  const Status missing = fsync_path(tmp / "gone");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(contains(missing.error().message, (tmp / "gone").string()));
}

TEST(NowRfc3339, IsUtcWithMilliseconds) {
  const std::string now = now_rfc3339();
  EXPECT_TRUE(std::regex_match(now, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << now;
  EXPECT_GE(now.substr(0, 4), "2024");
}

}  // namespace
}  // namespace tether::files_test
