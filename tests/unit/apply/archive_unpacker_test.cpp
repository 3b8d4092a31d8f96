#include "apply/archive_unpacker.hpp"

#include "archive_builder.hpp"
#include "command.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace tether::archive_unpacker_test {
namespace {

namespace fs = std::filesystem;
using test::ArchiveEntry;
using Type = ArchiveEntry::Type;

/// Every path under `root` except those under `skip`, for "nothing else was written" checks.
std::set<std::string> tree_outside(const fs::path& root, const fs::path& skip) {
  std::set<std::string> paths;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->path() == skip) {
      it.disable_recursion_pending();
      continue;
    }
    paths.insert(fs::relative(it->path(), root).string());
  }
  return paths;
}

unsigned unpacked_mode(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class ArchiveUnpacker : public ::testing::Test {
 protected:
  ArchiveUnpacker() {
    fs::create_directory(m_dest);
    test::write_text(m_tmp / "outside", "precious");
  }

  /// Packs `entries` and unpacks them into dest.
  Status unpack(const std::vector<ArchiveEntry>& entries) {
    test::write_tar_gz(m_archive, entries);
    return unpack_archive(m_archive, m_dest);
  }

  test::TempDir m_tmp;
  fs::path m_dest = m_tmp / "dest";
  fs::path m_archive = m_tmp / "artifact.tar.gz";
};

TEST_F(ArchiveUnpacker, UnpacksFilesDirsAndInsideLinksKeepingOnlyReadAndExecuteBits) {
  const Status status = unpack({{"bin", "", Type::dir, 0755},
                                {"bin/web", "#!/bin/sh\necho hi\n", Type::file, 0755},
                                {"share/doc/README", "read me", Type::file, 0644},
                                {"etc/secret", "s3cret", Type::file, 0600},
                                {"bin/web-link", "web", Type::symlink},
                                {"share/bin", "../bin", Type::symlink}});
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(test::read_text(m_dest / "bin/web"), "#!/bin/sh\necho hi\n");
  EXPECT_EQ(unpacked_mode(m_dest / "bin/web"), 0555u);
  EXPECT_EQ(test::read_text(m_dest / "share/doc/README"), "read me");
  EXPECT_EQ(unpacked_mode(m_dest / "share/doc/README"), 0444u);
  EXPECT_EQ(unpacked_mode(m_dest / "etc/secret"), 0400u);
  EXPECT_EQ(unpacked_mode(m_dest / "bin"), 0755u);
  EXPECT_EQ(fs::read_symlink(m_dest / "bin/web-link"), "web");
  EXPECT_EQ(fs::read_symlink(m_dest / "share/bin"), "../bin");
  EXPECT_EQ(test::read_text(m_dest / "share/bin/web"), "#!/bin/sh\necho hi\n");
}

TEST_F(ArchiveUnpacker, AcceptsAHardLinkInsideAsGnuTarWritesIt) {
  test::write_text(m_tmp / "src/bin/web", "binary");
  fs::create_hard_link(m_tmp / "src/bin/web", m_tmp / "src/bin/web-alias");
  test::run_ok({"tar", "-C", (m_tmp / "src").string(), "-czf", m_archive.string(), "bin"});
  const Status status = unpack_archive(m_archive, m_dest);
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(test::read_text(m_dest / "bin/web-alias"), "binary");
  EXPECT_TRUE(fs::equivalent(m_dest / "bin/web-alias", m_dest / "bin/web"));
}

TEST_F(ArchiveUnpacker, RefusesAMissingArchiveNamingIt) {
  const Status status = unpack_archive(m_tmp / "missing.tar.gz", m_dest);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("missing.tar.gz"), std::string::npos);
}

struct Hostile {
  std::string label;
  std::vector<ArchiveEntry> entries;
  std::string culprit;  ///< the entry name the error must quote
  std::string reason;   ///< and what is wrong with it
};

TEST_F(ArchiveUnpacker, RefusesHostileEntriesNamingThemAndWritesNothingOutside) {
  const std::string absolute = (m_tmp / "x").string();
  const std::vector<Hostile> cases = {
      {"absolute path", {{absolute, "pwned"}}, absolute, "escapes"},
      {"dot-dot", {{"ok", "fine"}, {"../evil", "pwned"}}, "../evil", "escapes"},
      {"dot-dot inside", {{"a/../../evil", "pwned"}}, "a/../../evil", "escapes"},
      {"symlink to /etc/passwd",
       {{"passwd", "/etc/passwd", Type::symlink}},
       "passwd",
       "symlink to \"/etc/passwd\""},
      {"symlink up and out",
       {{"a", "../..", Type::symlink}, {"a/evil", "pwned"}},
       "a",
       "symlink to \"../..\""},
      {"symlink out of a subdir",
       {{"sub/up", "../../outside", Type::symlink}},
       "sub/up",
       "symlink"},
      {"hardlink outside", {{"h", "../outside", Type::hardlink}}, "h", "hard link"},
      {"hardlink absolute",
       {{"h", (m_tmp / "outside").string(), Type::hardlink}},
       "h",
       "hard link"},
      {"fifo", {{"pipe", "", Type::fifo}}, "pipe", "fifo"},
  };
  for (const Hostile& c : cases) {
    SCOPED_TRACE(c.label);
    fs::remove_all(m_dest);
    fs::create_directory(m_dest);
    test::write_tar_gz(m_archive, c.entries);
    const auto before = tree_outside(m_tmp.path(), m_dest);
    const Status status = unpack_archive(m_archive, m_dest);
    ASSERT_FALSE(status.ok()) << "accepted";
    EXPECT_NE(status.error().message.find('"' + c.culprit + '"'), std::string::npos)
        << status.error().message;
    EXPECT_NE(status.error().message.find(c.reason), std::string::npos) << status.error().message;
    EXPECT_FALSE(status.error().hint.empty());
    EXPECT_EQ(tree_outside(m_tmp.path(), m_dest), before);
    EXPECT_EQ(test::read_text(m_tmp / "outside"), "precious");
    EXPECT_FALSE(fs::exists(fs::symlink_status(m_dest / "pipe")));
  }
}

TEST_F(ArchiveUnpacker, RefusesASymlinkThatEscapesThroughAnotherSymlink) {
  // Each link alone stays inside by its text; chained, "d/l" is the root and "d/l/.." its parent.
  const Status status = unpack({{"d", "", Type::dir, 0755},
                                {"d/l", "..", Type::symlink},
                                {"a", "d/l/..", Type::symlink},
                                {"bin/web", "binary", Type::file, 0755}});
  const fs::path root = fs::canonical(m_dest);
  for (const auto& entry : fs::recursive_directory_iterator(m_dest)) {
    if (!entry.is_symlink()) continue;
    const std::string resolved = fs::weakly_canonical(entry.path()).string();
    EXPECT_EQ(resolved.rfind(root.string(), 0), 0u)
        << entry.path() << " -> " << resolved << " is outside " << root
        << (status.ok() ? " and the archive was accepted" : "");
  }
}

struct Inside {
  std::string link_dir;
  std::string target;
  bool expected;
};

TEST(StaysInside, TableOfLinkTargets) {
  const std::vector<Inside> cases = {
      {"", "a", true},
      {"", "a/b/c", true},
      {"", ".", true},
      {"", "./a/./b", true},
      // ".." after a normal name is refused even when it lands inside: "a" may be a symlink.
      {"", "a/../b", false},
      {"a", "..", true},
      {"a/b", "../c", true},
      {"a/b", "../../c", true},
      {"", "..", false},
      {"", "../a", false},
      {"a", "../..", false},
      {"a/b", "../../..", false},
      {"", "a/../..", false},
      {"a", "../../a", false},
      {"", "/etc/passwd", false},
      {"a", "/a", false},
      {"", "a/../../a/b", false},
  };
  for (const Inside& c : cases) {
    EXPECT_EQ(stays_inside(c.link_dir, c.target), c.expected)
        << "link in \"" << c.link_dir << "\" -> \"" << c.target << "\"";
  }
}

}  // namespace
}  // namespace tether::archive_unpacker_test
