// secrets (#23): secrets/recipients/<host>.txt, in the format `age -R` reads.
#include "manifest/age_recipients.hpp"

#include <gtest/gtest.h>

namespace tether::age_recipients_test {
namespace {

const std::string k_key = "age1z0a33l2wvvyws399k786l3a25lrwz58ap4dyexe8f50qf9mq8qaqrrcp74";

TEST(AgeRecipients, ReadsKeysSkippingCommentsAndBlankLines) {
  const auto keys = parse_age_recipients("# web-01, made 2026-12-07\n\n  " + k_key +
                                         "  \nssh-ed25519 AAAAC3Nza root@web-01\n");
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_EQ(*keys, (std::vector<std::string>{k_key, "ssh-ed25519 AAAAC3Nza root@web-01"}));
}

TEST(AgeRecipients, RefusesAnythingElseNamingTheLine) {
  const auto identity = parse_age_recipients(
      "# oops, the private key\nAGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n");
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_age_recipients(k_key.substr(0, 40) + "\n"));            // truncated
  EXPECT_FALSE(parse_age_recipients("age1" + std::string(58, 'b') + "\n"));  // not bech32
  EXPECT_FALSE(parse_age_recipients("# nobody\n"));
}

TEST(AgeRecipients, OneFilePerHost) {
  EXPECT_EQ(recipients_path("web-01"), "secrets/recipients/web-01.txt");
}

}  // namespace
}  // namespace tether::age_recipients_test
