// Issue #23: the service's shared data dir and the links to it in a release dir being built,
// against the real filesystem, with what a hostile artifact or service could have planted.
#include "apply/shared_paths.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>

namespace tether::shared_paths_test {
namespace {

namespace fs = std::filesystem;

class SharedPathsTest : public ::testing::Test {
 protected:
  SharedPathsTest() { fs::create_directories(m_layout.releases_dir("app")); }

  ConfinedDir building() {
    auto dir = ConfinedDir::create_fresh(m_layout.releases_dir("app"), ".tmp-1.0.0");
    EXPECT_TRUE(dir.ok()) << dir.error().describe();
    return std::move(*dir);
  }

  test::TempDir m_tmp;
  Layout m_layout{m_tmp.path()};
  fs::path m_shared = m_tmp / "services/app/shared";
  SharedPaths m_paths{{"data", "var/cache"}, {"db.sqlite"}};
};

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST_F(SharedPathsTest, CreatesWhatIsMissingAndKeepsWhatIsThere) {
  ASSERT_TRUE(prepare_shared(m_layout, "app", m_paths).ok());
  EXPECT_TRUE(fs::is_directory(m_shared / "data"));
  EXPECT_EQ(mode_of(m_shared / "var/cache"), 0750u);
  EXPECT_EQ(mode_of(m_shared / "db.sqlite"), 0640u);
  EXPECT_EQ(fs::file_size(m_shared / "db.sqlite"), 0u);

  test::write_text(m_shared / "db.sqlite", "rows");
  test::write_text(m_shared / "data/kept", "x");
  fs::permissions(m_shared / "data", fs::perms(0700));
  ASSERT_TRUE(prepare_shared(m_layout, "app", m_paths).ok());
  EXPECT_EQ(test::read_text(m_shared / "db.sqlite"), "rows");
  EXPECT_EQ(test::read_text(m_shared / "data/kept"), "x");
  EXPECT_EQ(mode_of(m_shared / "data"), 0700u) << "an operator's chmod stays";
}

TEST_F(SharedPathsTest, NeverFollowsALinkPlantedInTheSharedDir) {
  fs::create_directories(m_tmp / "outside");
  fs::create_directories(m_shared);
  fs::create_directory_symlink(m_tmp / "outside", m_shared / "var");
  fs::create_symlink(m_tmp / "outside/db", m_shared / "db.sqlite");
  const Status status = prepare_shared(m_layout, "app", m_paths);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("symlink \"var\""), std::string::npos)
      << status.error().message;
  EXPECT_TRUE(fs::is_empty(m_tmp / "outside"));

  const Status file = prepare_shared(m_layout, "app", SharedPaths{{}, {"db.sqlite"}});
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("db.sqlite is a symlink, not a regular file"),
            std::string::npos)
      << file.error().message;
  EXPECT_TRUE(fs::is_empty(m_tmp / "outside"));
}

TEST_F(SharedPathsTest, ASymlinkedSharedDirIsRefused) {
  fs::create_directories(m_tmp / "elsewhere");
  fs::create_directories(m_shared.parent_path());
  fs::create_directory_symlink(m_tmp / "elsewhere", m_shared);
  const Status status = prepare_shared(m_layout, "app", m_paths);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("not a symlink"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(m_tmp / "elsewhere"));
}

TEST_F(SharedPathsTest, LinksEachPathIntoTheReleaseRelativeToTheServiceDir) {
  ASSERT_TRUE(prepare_shared(m_layout, "app", m_paths).ok());
  const ConfinedDir release = building();
  ASSERT_TRUE(release.make_dirs("data").ok()) << "an empty dir shipped by the build is replaced";
  ASSERT_TRUE(link_shared(release, m_paths).ok());
  const fs::path dir = release.path();
  EXPECT_EQ(fs::read_symlink(dir / "data"), "../../shared/data");
  EXPECT_EQ(fs::read_symlink(dir / "var/cache"), "../../../shared/var/cache");
  EXPECT_EQ(fs::read_symlink(dir / "db.sqlite"), "../../shared/db.sqlite");
  // The links resolve to the shared data from where the release dir is renamed to.
  test::write_text(dir / "var/cache/entry", "cached");
  EXPECT_EQ(test::read_text(m_shared / "var/cache/entry"), "cached");
}

TEST_F(SharedPathsTest, RefusesWhatTheArtifactShipsAtASharedPath) {
  const struct {
    const char* what;
    std::function<void(const ConfinedDir&)> plant;
    std::string expected;
  } cases[] = {
      {"a file",
       [](const ConfinedDir& d) { ASSERT_TRUE(d.write_file("db.sqlite", "seed", 0644).ok()); },
       "the artifact has a file at the shared path db.sqlite"},
      {"a symlink",
       [](const ConfinedDir& d) { ASSERT_TRUE(d.make_symlink("data", "/etc").ok()); },
       "the artifact has a symlink at the shared path data"},
      {"a non-empty dir",
       [](const ConfinedDir& d) { ASSERT_TRUE(d.write_file("data/x", "y", 0644).ok()); },
       "the artifact has a non-empty directory at the shared path data"},
      {"a symlink on the way",
       [](const ConfinedDir& d) { ASSERT_TRUE(d.make_symlink("var", "/etc").ok()); },
       "shared path var/cache: "},
  };
  for (const auto& c : cases) {
    const ConfinedDir release = building();
    c.plant(release);
    const Status status = link_shared(release, m_paths);
    ASSERT_FALSE(status.ok()) << c.what;
    EXPECT_NE(status.error().message.find(c.expected), std::string::npos)
        << c.what << ": " << status.error().message;
  }
}

}  // namespace
}  // namespace tether::shared_paths_test
