#include "core/sha256.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tether::sha256_test {
namespace {

constexpr const char* k_empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* k_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// FIPS 180-2 vector: one million 'a'.
constexpr const char* k_million_a =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256::of(""), k_empty);
  EXPECT_EQ(Sha256::of("abc"), k_abc);
  EXPECT_EQ(Sha256::of(std::string(1'000'000, 'a')), k_million_a);
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
  Sha256 sha;
  sha.update("a");
  sha.update("");
  sha.update("bc");
  EXPECT_EQ(sha.hex(), k_abc);
}

TEST(Sha256, DigestsBinaryContentIncludingNulBytes) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Sha256::of(with_nul), Sha256::of("a"));
  EXPECT_NE(Sha256::of(with_nul), Sha256::of("ab"));
}

TEST(Sha256, OfFileReadsFilesLargerThanOneChunk) {
  test::TempDir tmp;
  test::write_text(tmp / "big", std::string(1'000'000, 'a'));
  test::write_text(tmp / "empty", "");
  auto big = Sha256::of_file(tmp / "big");
  ASSERT_TRUE(big.ok()) << big.error().describe();
  EXPECT_EQ(*big, k_million_a);
  auto empty = Sha256::of_file(tmp / "empty");
  ASSERT_TRUE(empty.ok()) << empty.error().describe();
  EXPECT_EQ(*empty, k_empty);
}

TEST(Sha256, OfFileErrorNamesTheFile) {
  test::TempDir tmp;
  auto missing = Sha256::of_file(tmp / "no-such-file");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find((tmp / "no-such-file").string()), std::string::npos)
      << missing.error().message;
}

TEST(IsSha256Hex, AcceptsExactlySixtyFourLowercaseHexDigits) {
  EXPECT_TRUE(is_sha256_hex(k_abc));
  EXPECT_TRUE(is_sha256_hex(std::string(64, '0')));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a')));
  EXPECT_FALSE(is_sha256_hex(std::string(65, 'a')));
  EXPECT_FALSE(is_sha256_hex(""));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a') + "G"));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a') + "A"));  // uppercase: manifests write lowercase
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a') + "g"));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a') + " "));
}

}  // namespace
}  // namespace tether::sha256_test
