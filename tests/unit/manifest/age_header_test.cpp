// secrets (#23): telling age ciphertext from plaintext, and counting its recipients, from the
// header alone.
#include "manifest/age_header.hpp"

#include <gtest/gtest.h>

namespace tether::age_header_test {
namespace {

const std::string k_body = "DgeaUqqEwyzAty5Bwd/GUT+eC5EzE14NTJzHvVGZaiI";

std::string stanza(const std::string& type_and_args, const std::string& body = k_body) {
  return "-> " + type_and_args + "\n" + body + "\n";
}

std::string age_file(const std::string& stanzas) {
  return "age-encryption.org/v1\n" + stanzas + "--- sjCqnRcZAPh6uIHWjiytfKJJmgeBB1Q4glzrMcGIzOM\n" +
         std::string("\x9e\xf3\xb6\x84n:\0binary payload", 21);
}

// `printf x | age -a -r age1z0a33l2wvvyws399k786l3a25lrwz58ap4dyexe8f50qf9mq8qaqrrcp74`
const std::string k_armored =
    "-----BEGIN AGE ENCRYPTED FILE-----\n"
    "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBWcWhNeDFnMW5Zb3dTZHMv\n"
    "UWZNQXNRRmxWL2JFOW8xSXNnTlVoOXhXeWlZCnpRcWlYWWQ1YzYyck4vcE15STd1\n"
    "VUQ3NU1aejRGcHNOcHQ4eTB1Tk45M0EKLS0tIGdPc2xOa3g0VHNZU1BMV1hBQ3dT\n"
    "RkhTTVNBQnRVYXZBeTlPRUo1QkFxKzAKNhgCya7Kwi9nUMvSRSWqItwKlFSdyTO9\n"
    "ah2SFc+WAaOy\n"
    "-----END AGE ENCRYPTED FILE-----\n";

TEST(AgeHeader, CountsTheStanzasOfABinaryFile) {
  const auto header =
      read_age_header(age_file(stanza("X25519 qQ53DZnnF5L7u2k5zA52MAMnti+1azouE0SbmzPpUDc") +
                               stanza("X25519 F4yJRd12ZBkgmyuyAdpIJ0JrYhWKb9UEqfRFlgb/8hs") +
                               stanza("ssh-ed25519 Xyz AAAA")));
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header->armor, AgeArmor::binary);
  EXPECT_EQ(header->stanza_types, (std::vector<std::string>{"X25519", "X25519", "ssh-ed25519"}));
  EXPECT_EQ(header->key_stanzas(), 3u);
  EXPECT_FALSE(header->has_passphrase());
}

TEST(AgeHeader, ReadsAStanzaBodyLongerThanOneLine) {
  const std::string long_body = std::string(64, 'A') + "\n" + std::string(64, 'B') + "\n";
  const auto header = read_age_header(age_file(stanza("X25519 a", long_body) + stanza("X25519 b")));
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header->key_stanzas(), 2u);
}

TEST(AgeHeader, ReadsTheArmoredForm) {
  const auto header = read_age_header(k_armored);
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header->armor, AgeArmor::armored);
  EXPECT_EQ(header->stanza_types, std::vector<std::string>{"X25519"});
}

TEST(AgeHeader, APassphraseStanzaIsNoKey) {
  const auto header = read_age_header(age_file(stanza("scrypt c2FsdA 18")));
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_TRUE(header->has_passphrase());
  EXPECT_EQ(header->key_stanzas(), 0u);
}

TEST(AgeHeader, RefusesPlaintextAndBrokenHeaders) {
  const std::vector<std::string> not_age = {
      "",
      "PASSWORD=hunter2\n",
      "age-encryption.org/v1",                                     // no newline, no header
      "age-encryption.org/v2\n" + stanza("X25519 a") + "--- m\n",  // another version
      age_file(""),                                                // no recipient
      "age-encryption.org/v1\n" + stanza("X25519 a") + "junk\n--- m\n",
      "age-encryption.org/v1\n" + stanza("X25519 a"),  // no end of header
      "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n",    // no END line
      "-----BEGIN AGE ENCRYPTED FILE-----\n!!!!\n-----END AGE ENCRYPTED FILE-----\n",
  };
  for (const std::string& text : not_age) {
    EXPECT_FALSE(read_age_header(text)) << text;
  }
  EXPECT_NE(read_age_header("PASSWORD=hunter2\n").error().message.find("age-encryption.org/v1"),
            std::string::npos);
}

}  // namespace
}  // namespace tether::age_header_test
