#include "live/hash_cache.hpp"

#include "core/sha256.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether {
namespace {

TEST(HashCache, HashesAnUnchangedFileOnce) {
  test::TempDir dir;
  test::write_text(dir / "bin", "binary v1");
  HashCache cache;
  for (int poll = 0; poll < 5; ++poll) {
    auto digest = cache.sha256(dir / "bin");
    ASSERT_TRUE(digest);
    EXPECT_EQ(*digest, Sha256::of("binary v1"));
  }
  EXPECT_EQ(cache.files_hashed(), 1u);
}

TEST(HashCache, NoticesAnyChangeToTheFile) {
  test::TempDir dir;
  test::write_text(dir / "bin", "binary v1");
  HashCache cache;
  ASSERT_TRUE(cache.sha256(dir / "bin"));
  // Same size, rewritten in place: mtime/ctime move, so it is read again.
  test::write_text(dir / "bin", "binary v2");
  EXPECT_EQ(*cache.sha256(dir / "bin"), Sha256::of("binary v2"));
  // Replaced by another file (new inode), as an upgrade by rename would do.
  test::write_text(dir / "other", "binary v3");
  std::filesystem::rename(dir / "other", dir / "bin");
  EXPECT_EQ(*cache.sha256(dir / "bin"), Sha256::of("binary v3"));
  EXPECT_EQ(cache.files_hashed(), 3u);
}

TEST(HashCache, AMissingFileIsAnErrorNamingIt) {
  test::TempDir dir;
  HashCache cache;
  auto digest = cache.sha256(dir / "gone");
  ASSERT_FALSE(digest);
  EXPECT_NE(digest.error().message.find("gone"), std::string::npos);
}

}  // namespace
}  // namespace tether
