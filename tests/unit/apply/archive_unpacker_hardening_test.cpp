// Issue #18: archives that tried to rewrite another release, keep setuid or world-write bits,
// hide in the agent's .tether/, or unpack without bound. Real archives (libarchive, GNU tar),
// unpacked into real dirs.
#include "apply/archive_unpacker.hpp"
#include "archive_builder.hpp"
#include "command.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace tether::archive_unpacker_hardening_test {
namespace {

namespace fs = std::filesystem;
using test::ArchiveEntry;
using Type = ArchiveEntry::Type;

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class ArchiveHardening : public ::testing::Test {
 protected:
  ArchiveHardening() {
    // The previous release beside the new one, as on a host: the name an attacker can guess.
    test::write_text(m_releases / "1.0.0-aaaaaaaaaaaa-bbbbbbbb/bin/web", "v1 binary");
    fs::create_directory(m_dest);
  }

  Status unpack(const std::vector<ArchiveEntry>& entries, const UnpackLimits& limits = {}) {
    test::write_tar_gz(m_archive, entries);
    return unpack_archive(m_archive, m_dest, limits);
  }
  void expect_refused(const Status& status, const std::string& culprit, const std::string& reason) {
    ASSERT_FALSE(status.ok()) << "accepted";
    EXPECT_NE(status.error().message.find(culprit), std::string::npos) << status.error().message;
    EXPECT_NE(status.error().message.find(reason), std::string::npos) << status.error().message;
    EXPECT_FALSE(status.error().hint.empty());
  }

  test::TempDir m_tmp;
  fs::path m_releases = m_tmp / "releases";
  fs::path m_dest = m_releases / ".tmp-2.0.0-cccccccccccc-dddddddd";
  fs::path m_archive = m_tmp / "artifact.tar.gz";
};

TEST_F(ArchiveHardening, DotAsASymlinkToThePreviousReleaseIsRefused) {
  // Issue #18, 1: `.` unpacked as a symlink replaced the fresh dir with a link to v1, and the
  // config and release.json of v2 were then written into v1.
  const Status status = unpack({{".", "1.0.0-aaaaaaaaaaaa-bbbbbbbb", Type::symlink},
                                {"bin/web", "v2 binary", Type::file, 0755}});
  expect_refused(status, "archive entry \".\"", "names the release dir itself");
  // Other spellings of the same: refused all the same.
  EXPECT_FALSE(unpack({{"./.", "1.0.0-aaaaaaaaaaaa-bbbbbbbb", Type::symlink}}).ok());
  EXPECT_FALSE(unpack({{"./", "1.0.0-aaaaaaaaaaaa-bbbbbbbb", Type::symlink}}).ok());
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(m_dest)));
  EXPECT_EQ(test::read_text(m_releases / "1.0.0-aaaaaaaaaaaa-bbbbbbbb/bin/web"), "v1 binary");
  expect_refused(unpack({{".", "x", Type::file}}), "archive entry \".\"", "not a directory");
  expect_refused(unpack({{"..", "", Type::dir}}), "archive entry \"../\"", "escapes");
  EXPECT_TRUE(unpack({{".", "", Type::dir, 0777}, {"./bin/web", "x", Type::file, 0755}}).ok());
  EXPECT_EQ(mode_of(m_dest / "bin/web"), 0555U);
}

TEST_F(ArchiveHardening, SetuidSetgidStickyAndWriteBitsAreStripped) {
  // Issue #18, 2: a setuid-root entry kept its bits; a 0777 binary stayed world-writable.
  const Status status = unpack({{"bin", "", Type::dir, 01777},
                                {"bin/id", "#!/bin/sh\n", Type::file, 04755},
                                {"bin/group", "x", Type::file, 02775},
                                {"bin/open", "x", Type::file, 0777},
                                {"share", "", Type::dir, 0777},
                                {"share/data", "x", Type::file, 0666}});
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(mode_of(m_dest / "bin"), 0755U);
  EXPECT_EQ(mode_of(m_dest / "bin/id"), 0555U);
  EXPECT_EQ(mode_of(m_dest / "bin/group"), 0555U);
  EXPECT_EQ(mode_of(m_dest / "bin/open"), 0555U);
  EXPECT_EQ(mode_of(m_dest / "share"), 0755U);
  EXPECT_EQ(mode_of(m_dest / "share/data"), 0444U);
}

TEST_F(ArchiveHardening, TheAgentsOwnDotTetherIsOffLimits) {
  // Issue #18, 3: .tether/release.json as a symlink to ../bin/web made the record overwrite
  // the verified binary.
  expect_refused(unpack({{".tether/release.json", "../bin/web", Type::symlink}}),
                 "archive entry \".tether/release.json\"",
                 ".tether/");
  expect_refused(unpack({{".tether", "bin", Type::symlink}}), "\".tether\"", ".tether/");
  expect_refused(unpack({{"./.tether/x", "y"}}), "\"./.tether/x\"", ".tether/");
}

TEST_F(ArchiveHardening, NothingIsWrittenThroughALinkOrAFileOnTheWay) {
  expect_refused(unpack({{"bin", "../1.0.0-aaaaaaaaaaaa-bbbbbbbb/bin", Type::symlink}}),
                 "\"bin\"",
                 "outside the release dir");
  // An inside link as a dir on the way: writing "lib/x" must not land in "bin/x".
  expect_refused(unpack({{"bin/web", "x", Type::file, 0755},
                         {"lib", "bin", Type::symlink},
                         {"lib/web", "replaced", Type::file}}),
                 "archive entry \"lib/web\"",
                 "symlink");
  EXPECT_EQ(test::read_text(m_dest / "bin/web"), "x");
  expect_refused(unpack({{"etc", "a file"}, {"etc/app.conf", "x"}}),
                 "archive entry \"etc/app.conf\"",
                 "not a directory");
}

TEST_F(ArchiveHardening, AFileReplacingAHardLinkedNameLeavesTheOtherNameAlone) {
  const Status status = unpack({{"bin/web", "binary", Type::file, 0755},
                                {"etc/web.conf", "bin/web", Type::hardlink},
                                {"etc/web.conf", "config", Type::file, 0644}});
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(test::read_text(m_dest / "bin/web"), "binary");
  EXPECT_EQ(test::read_text(m_dest / "etc/web.conf"), "config");
}

TEST_F(ArchiveHardening, HardLinksOnlyToRegularFilesUnpackedBefore) {
  expect_refused(unpack({{"link", "bin", Type::symlink}, {"h", "link", Type::hardlink}}),
                 "archive entry \"h\"",
                 "hard link");
  expect_refused(
      unpack({{"h", "later", Type::hardlink}, {"later", "x"}}), "archive entry \"h\"", "hard link");
  expect_refused(unpack({{"h", ".", Type::hardlink}}), "archive entry \"h\"", "hard link");
}

TEST_F(ArchiveHardening, UnpackedBytesAreCappedWhileWriting) {
  UnpackLimits limits;
  limits.max_bytes = 1024 * 1024;
  const Status status = unpack(
      {{"bin/web", "x", Type::file, 0755}, {"data/zeros", std::string(3 * 1024 * 1024, '\0')}},
      limits);
  expect_refused(status, "archive entry \"data/zeros\"", "past 1 MiB unpacked");
  EXPECT_NE(status.error().hint.find("spec.release.limits.maxUnpackedMiB"), std::string::npos);
  EXPECT_TRUE(unpack({{"data/zeros", std::string(1024 * 1024, '\0')}}, limits).ok());
}

TEST_F(ArchiveHardening, AHeaderClaimingMoreThanTheDefaultCapIsRefusedBeforeAnyByte) {
  // Issue #18, 6: a 3 GB bomb unpacked in full. The default cap is 2 GiB.
  test::write_tar_claiming_size(m_archive, "bomb", 3LL * 1024 * 1024 * 1024);
  const Status status = unpack_archive(m_archive, m_dest);
  expect_refused(status, "archive entry \"bomb\"", "past 2048 MiB unpacked");
  EXPECT_FALSE(fs::exists(m_dest / "bomb"));
}

TEST_F(ArchiveHardening, EntriesAreCapped) {
  UnpackLimits limits;
  limits.max_files = 10;
  std::vector<ArchiveEntry> entries;
  for (int i = 0; i < 11; ++i) entries.push_back({"f" + std::to_string(i), "x"});
  const Status status = unpack(entries, limits);
  expect_refused(status, "archive entry \"f10\"", "limit of 10");
  EXPECT_NE(status.error().hint.find("spec.release.limits.maxFiles"), std::string::npos);
  entries.pop_back();
  EXPECT_TRUE(unpack(entries, limits).ok());
}

TEST_F(ArchiveHardening, GnuTarWithSetuidAndLinksUnpacksSafely) {
  // What a careless CI job produces: a setuid binary, a world-writable file, links inside.
  const fs::path src = m_tmp / "src";
  test::write_text(src / "bin/web", "binary");
  test::write_text(src / "etc/open.conf", "x");
  fs::permissions(src / "bin/web", static_cast<fs::perms>(04755));
  fs::permissions(src / "etc/open.conf", static_cast<fs::perms>(0666));
  fs::create_symlink("web", src / "bin/web-link");
  fs::create_hard_link(src / "bin/web", src / "bin/web-alias");
  test::run_ok({"tar", "-C", src.string(), "-czf", m_archive.string(), "."});
  const Status status = unpack_archive(m_archive, m_dest);
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(mode_of(m_dest / "bin/web"), 0555U);
  EXPECT_EQ(mode_of(m_dest / "etc/open.conf"), 0444U);
  EXPECT_EQ(fs::read_symlink(m_dest / "bin/web-link"), "web");
  EXPECT_TRUE(fs::equivalent(m_dest / "bin/web-alias", m_dest / "bin/web"));
}

}  // namespace
}  // namespace tether::archive_unpacker_hardening_test
