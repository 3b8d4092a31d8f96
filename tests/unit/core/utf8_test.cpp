#include "core/utf8.hpp"

#include "core/json_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::utf8_test {
namespace {

TEST(Utf8, AcceptsWellFormedTextOnly) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80 \xf4\x8f\xbf\xbf"));
  EXPECT_EQ(invalid_utf8_offset("ab\xff"), 2U);
  EXPECT_EQ(invalid_utf8_offset("\xc3"), 0U);              // truncated
  EXPECT_EQ(invalid_utf8_offset("\xc0\xaf"), 0U);          // overlong "/"
  EXPECT_EQ(invalid_utf8_offset("\xe0\x80\xaf"), 0U);      // overlong
  EXPECT_EQ(invalid_utf8_offset("x\xed\xa0\x80"), 1U);     // surrogate
  EXPECT_EQ(invalid_utf8_offset("\xf4\x90\x80\x80"), 0U);  // above U+10FFFF
  EXPECT_EQ(invalid_utf8_offset("\xe2\x28\xa1"), 0U);      // bad continuation
  EXPECT_EQ(escape_invalid_utf8("a\xff\xc3\xa9"), "a\\xFF\xc3\xa9");
}

TEST(JsonText, NeverThrowsOnBytesThatAreNotUtf8) {
  // Issue #18, 5: nlohmann's dump() threw type_error 316 and the agent aborted.
  const nlohmann::json json = {{"env", "80\xff"}, {"label\xfe", "x"}};
  EXPECT_THROW((void)json.dump(), nlohmann::json::type_error);
  std::string text;
  EXPECT_NO_THROW(text = json_text(json));
  EXPECT_EQ(nlohmann::json::parse(text)["env"], "80\xef\xbf\xbd");
  EXPECT_NE(json_text(json, 2).find("\n  "), std::string::npos);
}

}  // namespace
}  // namespace tether::utf8_test
