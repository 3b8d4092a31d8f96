#include "api/webhook.hpp"

#include "core/hmac.hpp"

#include <gtest/gtest.h>

namespace tether::webhook_test {
namespace {

TEST(Hmac, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Webhook, AcceptsTheSignatureGitHubDocumentsForItsExample) {
  // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody",
  // payload "Hello, World!".
  const std::string header =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  EXPECT_TRUE(webhook_signature_valid(header, "Hello, World!", "It's a Secret to Everybody"));
  std::string upper = header;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_TRUE(webhook_signature_valid(upper, "Hello, World!", "It's a Secret to Everybody"));
}

TEST(Webhook, RejectsAnythingElse) {
  const std::string body = "{\"ref\":\"refs/heads/main\"}";
  const std::string good = "sha256=" + hmac_sha256_hex("s3cret", body);
  EXPECT_TRUE(webhook_signature_valid(good, body, "s3cret"));
  EXPECT_FALSE(webhook_signature_valid(good, body + " ", "s3cret")) << "body changed";
  EXPECT_FALSE(webhook_signature_valid(good, body, "other")) << "other secret";
  EXPECT_FALSE(webhook_signature_valid("", body, "s3cret")) << "no header";
  EXPECT_FALSE(webhook_signature_valid(good.substr(7), body, "s3cret")) << "no sha256= prefix";
  EXPECT_FALSE(webhook_signature_valid("sha1=" + good.substr(7), body, "s3cret"));
  EXPECT_FALSE(webhook_signature_valid(good.substr(0, good.size() - 1), body, "s3cret"));
  EXPECT_FALSE(webhook_signature_valid("sha256=" + hmac_sha256_hex("", body), body, ""))
      << "an empty secret never validates";
}

TEST(Webhook, SecretFileLosesOnlyItsTrailingNewline) {
  EXPECT_EQ(webhook_secret_of("s3cret\n"), "s3cret");
  EXPECT_EQ(webhook_secret_of("s3cret\r\n"), "s3cret");
  EXPECT_EQ(webhook_secret_of(" spaced secret "), " spaced secret ");
  EXPECT_EQ(webhook_secret_of("\n"), "");
}

}  // namespace
}  // namespace tether::webhook_test
