#include "live/hash_cache.hpp"

#include "core/files.hpp"
#include "core/sha256.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::hash_cache_test {
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

/// `path` written with `content`, and the digest an installer that just read it would vouch for.
VouchedDigest written_and_read(const std::filesystem::path& path, const std::string& content) {
  test::write_text(path, content);
  return VouchedDigest{path, *stamp_of(path), Sha256::of(content)};
}

TEST(HashCache, TakesAVouchedDigestWhileTheFileIsAsItWasRead) {
  test::TempDir dir;
  HashCache cache;
  EXPECT_TRUE(cache.vouch(written_and_read(dir / "bin", "binary v1")));
  EXPECT_EQ(*cache.sha256(dir / "bin"), Sha256::of("binary v1"));
  EXPECT_EQ(cache.files_hashed(), 0u);
}

TEST(HashCache, AVouchedDigestIsDroppedOnceTheFileChanges) {
  test::TempDir dir;
  HashCache cache;
  ASSERT_TRUE(cache.vouch(written_and_read(dir / "bin", "binary v1")));
  // Rewritten after the hand-off: the next lookup reads what is there now.
  test::write_text(dir / "bin", "binary v2");
  EXPECT_EQ(*cache.sha256(dir / "bin"), Sha256::of("binary v2"));
  EXPECT_EQ(cache.files_hashed(), 1u);
}

TEST(HashCache, RefusesADigestVouchedForAnotherStateOfTheFile) {
  test::TempDir dir;
  test::write_text(dir / "bin", "binary v1");
  const FileStamp read_then = *stamp_of(dir / "bin");
  // Replaced between the read and the hand-off (another inode): the digest is not taken.
  test::write_text(dir / "other", "binary v2");
  std::filesystem::rename(dir / "other", dir / "bin");
  HashCache cache;
  EXPECT_FALSE(cache.vouch({dir / "bin", read_then, Sha256::of("binary v1")}));
  EXPECT_FALSE(cache.vouch({dir / "missing", read_then, Sha256::of("binary v1")}));
  EXPECT_EQ(*cache.sha256(dir / "bin"), Sha256::of("binary v2"));
  EXPECT_EQ(cache.files_hashed(), 1u);
}

TEST(HashCache, AMissingFileIsAnErrorNamingIt) {
  test::TempDir dir;
  HashCache cache;
  auto digest = cache.sha256(dir / "gone");
  ASSERT_FALSE(digest);
  EXPECT_NE(digest.error().message.find("gone"), std::string::npos);
}

TEST(HashCache, DigestsOutliveTheProcessThroughTheStore) {
  test::TempDir dir;
  test::write_text(dir / "bin", "binary v1");
  {
    HashCache first(dir / "state" / "hash-cache");
    ASSERT_TRUE(first.sha256(dir / "bin"));
    ASSERT_TRUE(first.retain_used_and_save());
  }
  HashCache next(dir / "state" / "hash-cache");
  EXPECT_EQ(*next.sha256(dir / "bin"), Sha256::of("binary v1"));
  EXPECT_EQ(next.files_hashed(), 0u);
}

TEST(HashCache, AFileChangedWhileNoAgentRanIsReadAgain) {
  test::TempDir dir;
  test::write_text(dir / "bin", "binary v1");
  HashCache first(dir / "hash-cache");
  ASSERT_TRUE(first.sha256(dir / "bin"));
  ASSERT_TRUE(first.retain_used_and_save());
  test::write_text(dir / "bin", "binary v2");  // same size; ctime moves
  HashCache next(dir / "hash-cache");
  EXPECT_EQ(*next.sha256(dir / "bin"), Sha256::of("binary v2"));
  EXPECT_EQ(next.files_hashed(), 1u);
}

TEST(HashCache, ACorruptOrForeignStoreIsIgnored) {
  test::TempDir dir;
  test::write_text(dir / "bin", "binary v1");
  for (const char* store : {"garbage\n",
                            "tether-hash-cache v1\n1 2 three\n",
                            "tether-hash-cache v9\n1 2 3 4 5 abc /x\n"}) {
    test::write_text(dir / "hash-cache", store);
    HashCache cache(dir / "hash-cache");
    EXPECT_EQ(*cache.sha256(dir / "bin"), Sha256::of("binary v1")) << store;
    EXPECT_EQ(cache.files_hashed(), 1u) << store;
  }
}

TEST(HashCache, ForgetsFilesNoLongerLookedUp) {
  test::TempDir dir;
  test::write_text(dir / "kept", "kept");
  test::write_text(dir / "pruned", "pruned");
  HashCache cache(dir / "hash-cache");
  ASSERT_TRUE(cache.sha256(dir / "kept"));
  ASSERT_TRUE(cache.sha256(dir / "pruned"));
  ASSERT_TRUE(cache.retain_used_and_save());
  ASSERT_TRUE(cache.sha256(dir / "kept"));  // the next pass no longer sees "pruned"
  ASSERT_TRUE(cache.retain_used_and_save());
  const std::string store = *read_file(dir / "hash-cache");
  EXPECT_NE(store.find((dir / "kept").string()), std::string::npos);
  EXPECT_EQ(store.find((dir / "pruned").string()), std::string::npos);
  // A pass that looked nothing up (no desired state) keeps everything.
  ASSERT_TRUE(cache.retain_used_and_save());
  EXPECT_NE(read_file(dir / "hash-cache")->find((dir / "kept").string()), std::string::npos);
}

}  // namespace
}  // namespace tether::hash_cache_test
