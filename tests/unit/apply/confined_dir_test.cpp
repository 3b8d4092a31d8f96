// ConfinedDir against the real filesystem: writes never leave the dir or change another name's
// inode, whatever symlinks, hard links or files were planted in it first.
#include "apply/confined_dir.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>

namespace tether::confined_dir_test {
namespace {

namespace fs = std::filesystem;

class ConfinedDirTest : public ::testing::Test {
 protected:
  ConfinedDirTest() {
    fs::create_directories(m_tmp / "outside");
    test::write_text(m_tmp / "outside/target.yaml", "original");
  }

  ConfinedDir fresh() {
    auto dir = ConfinedDir::create_fresh(m_tmp.path(), "release");
    EXPECT_TRUE(dir.ok()) << dir.error().describe();
    return std::move(*dir);
  }

  test::TempDir m_tmp;
  fs::path m_release = m_tmp / "release";
};

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST_F(ConfinedDirTest, CreatesAPrivateDirAndReplacesALeftoverOfThatName) {
  test::write_text(m_release / "planted", "from a crashed run");
  const ConfinedDir dir = fresh();
  EXPECT_FALSE(fs::exists(m_release / "planted"));
  EXPECT_EQ(mode_of(m_release), 0700U);
  ASSERT_TRUE(dir.seal().ok());
  EXPECT_EQ(mode_of(m_release), 0755U);
}

TEST_F(ConfinedDirTest, WritesFilesCreatingParentDirs) {
  const ConfinedDir dir = fresh();
  ASSERT_TRUE(dir.write_file("etc/deep/app.yaml", "a: 1\n", 0444).ok());
  EXPECT_EQ(test::read_text(m_release / "etc/deep/app.yaml"), "a: 1\n");
  EXPECT_EQ(mode_of(m_release / "etc/deep/app.yaml"), 0444U);
  EXPECT_EQ(mode_of(m_release / "etc/deep"), 0755U);
}

TEST_F(ConfinedDirTest, RefusesSymlinksOnTheWay) {
  const ConfinedDir dir = fresh();
  fs::create_directory_symlink(m_tmp / "outside", m_release / "etc");
  const Status status = dir.write_file("etc/target.yaml", "pwned", 0444);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("passes through the symlink \"etc\""), std::string::npos)
      << status.error().message;
  EXPECT_EQ(test::read_text(m_tmp / "outside/target.yaml"), "original");
  EXPECT_FALSE(dir.make_dirs("etc/sub").ok());
  EXPECT_FALSE(fs::exists(m_tmp / "outside/sub"));
}

TEST_F(ConfinedDirTest, ReplacesALinkAtTheEndInsteadOfWritingThroughIt) {
  const ConfinedDir dir = fresh();
  fs::create_symlink(m_tmp / "outside/target.yaml", m_release / "app.yaml");
  test::write_text(m_release / "bin/web", "the pinned binary");
  fs::create_hard_link(m_release / "bin/web", m_release / "web.conf");

  ASSERT_TRUE(dir.write_file("app.yaml", "config", 0444).ok());
  ASSERT_TRUE(dir.write_file("web.conf", "config", 0444).ok());
  EXPECT_EQ(test::read_text(m_tmp / "outside/target.yaml"), "original");
  EXPECT_EQ(test::read_text(m_release / "bin/web"), "the pinned binary");
  EXPECT_FALSE(fs::is_symlink(m_release / "app.yaml"));
  EXPECT_EQ(test::read_text(m_release / "web.conf"), "config");
}

TEST_F(ConfinedDirTest, RefusesAbsolutePathsDotDotAndAFileWhereADirIsNeeded) {
  const ConfinedDir dir = fresh();
  test::write_text(m_release / "etc", "a file");
  EXPECT_FALSE(dir.write_file((m_tmp / "outside/x").string(), "x", 0444).ok());
  EXPECT_FALSE(dir.write_file("a/../../outside/x", "x", 0444).ok());
  EXPECT_FALSE(fs::exists(m_tmp / "outside/x"));
  const Status status = dir.write_file("etc/app.yaml", "x", 0444);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("not a directory"), std::string::npos);
  EXPECT_FALSE(dir.write_file(".", "x", 0444).ok());
}

TEST_F(ConfinedDirTest, HardLinksOnlyToRegularFilesInside) {
  const ConfinedDir dir = fresh();
  ASSERT_TRUE(dir.write_file("bin/web", "binary", 0555).ok());
  ASSERT_TRUE(dir.make_hard_link("bin/alias", "bin/web").ok());
  EXPECT_TRUE(fs::equivalent(m_release / "bin/alias", m_release / "bin/web"));
  fs::create_symlink(m_tmp / "outside/target.yaml", m_release / "link");
  EXPECT_FALSE(dir.make_hard_link("via-link", "link").ok());
  EXPECT_FALSE(dir.make_hard_link("escape", "../outside/target.yaml").ok());
  EXPECT_FALSE(dir.make_hard_link("missing", "bin/none").ok());
}

TEST_F(ConfinedDirTest, OpensFilesOnlyWithoutSymlinksBothWays) {
  const ConfinedDir dir = fresh();
  ASSERT_TRUE(dir.write_file("bin/web", "binary", 0555).ok());
  fs::create_symlink("web", m_release / "bin/web-link");
  fs::create_directory_symlink("bin", m_release / "bin2");
  for (const Resolve resolve : {Resolve::kernel_if_available, Resolve::walk}) {
    SCOPED_TRACE(resolve == Resolve::walk ? "walk" : "openat2");
    EXPECT_TRUE(dir.open_file("bin/web", resolve).ok());
    EXPECT_TRUE(dir.open_file("./bin/web", resolve).ok());
    const auto final_link = dir.open_file("bin/web-link", resolve);
    ASSERT_FALSE(final_link.ok());
    EXPECT_NE(final_link.error().message.find("symlink"), std::string::npos);
    EXPECT_FALSE(dir.open_file("bin2/web", resolve).ok());
    EXPECT_FALSE(dir.open_file("bin", resolve).ok());
    EXPECT_FALSE(dir.open_file("../outside/target.yaml", resolve).ok());
  }
}

TEST(ConfinedComponents, SplitsSkippingDotsAndRefusesEscapes) {
  EXPECT_EQ(*confined_components("a/./b//c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(confined_components(".")->empty());
  EXPECT_TRUE(confined_components("./")->empty());
  EXPECT_FALSE(confined_components("..").ok());
  EXPECT_FALSE(confined_components("a/../b").ok());
  EXPECT_FALSE(confined_components("/etc/passwd").ok());
}

}  // namespace
}  // namespace tether::confined_dir_test
