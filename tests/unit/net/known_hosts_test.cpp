#include "net/known_hosts.hpp"

#include "trust/ssh_key.hpp"

#include <gtest/gtest.h>

namespace tether::known_hosts_test {
namespace {

// Two ed25519 keys made with ssh-keygen; the hashed line is `ssh-keygen -H` of
// "[127.0.0.1]:2222 <key1>".
constexpr const char* k_key1 =
    "AAAAC3NzaC1lZDI1NTE5AAAAICT0MBZPi8YfmTuhLBJxGvhdZjmGFjTiX1ewWy0hmS12";
constexpr const char* k_key2 =
    "AAAAC3NzaC1lZDI1NTE5AAAAII01F4ty28rwMpLgAoYmgFUzGMRSJW9Jkps+XOWnanzF";
constexpr const char* k_hashed =
    "|1|BBtlFUzBrS6fZRywYT2biDmuROQ=|S8HsfPAumCAQTWwsFIp9eThVp8k= ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAICT0MBZPi8YfmTuhLBJxGvhdZjmGFjTiX1ewWy0hmS12";

std::string blob(const char* base64) { return decode_base64(base64).value(); }
std::string line(const std::string& hosts, const char* key) {
  return hosts + " ssh-ed25519 " + key + "\n";
}

TEST(KnownHostsName, PortTwentyTwoIsTheBareHost) {
  EXPECT_EQ(known_hosts_name("git.example.com", 22), "git.example.com");
  EXPECT_EQ(known_hosts_name("git.example.com", -1), "git.example.com");
  EXPECT_EQ(known_hosts_name("127.0.0.1", 2222), "[127.0.0.1]:2222");
}

TEST(KnownKeys, PlainBracketedAndCommaSeparatedPatterns) {
  const std::string text = "# comment\n\n" + line("git.example.com,10.0.0.1", k_key1) +
                           line("[127.0.0.1]:2222", k_key2) + "garbage line\n";
  ASSERT_EQ(known_keys(text, "10.0.0.1").size(), 1u);
  EXPECT_EQ(known_keys(text, "GIT.example.com")[0].blob, blob(k_key1));
  EXPECT_EQ(known_keys(text, "[127.0.0.1]:2222")[0].blob, blob(k_key2));
  EXPECT_TRUE(known_keys(text, "127.0.0.1").empty()) << "port 22 is another entry";
  EXPECT_TRUE(known_keys(text, "[127.0.0.1]:2223").empty());
}

TEST(KnownKeys, HashedEntriesMatchOnlyTheirName) {
  EXPECT_EQ(known_keys(k_hashed, "[127.0.0.1]:2222").size(), 1u);
  EXPECT_TRUE(known_keys(k_hashed, "[127.0.0.1]:2223").empty());
  EXPECT_TRUE(known_keys(k_hashed, "127.0.0.1").empty());
}

TEST(KnownKeys, WildcardsAndNegation) {
  const std::string text = line("*.example.com,!evil.example.com", k_key1);
  EXPECT_EQ(known_keys(text, "git.example.com").size(), 1u);
  EXPECT_TRUE(known_keys(text, "evil.example.com").empty());
  EXPECT_EQ(known_keys(line("git?.example.com", k_key1), "git1.example.com").size(), 1u);
}

TEST(KnownKeys, CertAuthorityLinesAreSkippedAndRevokedMarked) {
  const std::string text = "@cert-authority *.example.com ssh-ed25519 " + std::string(k_key1) +
                           "\n@revoked git.example.com ssh-ed25519 " + k_key2 + "\n";
  const auto keys = known_keys(text, "git.example.com");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_TRUE(keys[0].revoked);
  EXPECT_EQ(keys[0].blob, blob(k_key2));
}

TEST(KnownKeys, AKeyWhoseBlobDisagreesWithItsTypeIsSkipped) {
  EXPECT_TRUE(known_keys(std::string("h ssh-rsa ") + k_key1, "h").empty());
  EXPECT_TRUE(known_keys("h ssh-ed25519 not-base64", "h").empty());
}

TEST(CheckHostKey, Verdicts) {
  const auto listed = known_keys(line("h", k_key1), "h");
  EXPECT_EQ(check_host_key(listed, blob(k_key1)), HostKeyVerdict::trusted);
  EXPECT_EQ(check_host_key(listed, blob(k_key2)), HostKeyVerdict::changed);
  EXPECT_EQ(check_host_key({}, blob(k_key1)), HostKeyVerdict::unknown);
  const auto revoked =
      known_keys("@revoked h ssh-ed25519 " + std::string(k_key1) + "\n" + line("h", k_key1), "h");
  EXPECT_EQ(check_host_key(revoked, blob(k_key1)), HostKeyVerdict::revoked);
}

TEST(CheckHostKey, AKeyOfAnotherTypeIsUnknownNotChanged) {
  // OpenSSH compares keys of the type negotiated: an RSA key listed says nothing of ed25519.
  KnownHostKey rsa{"ssh-rsa", "\x00\x00\x00\x07ssh-rsa-blob", false};
  EXPECT_EQ(check_host_key({rsa}, blob(k_key1)), HostKeyVerdict::unknown);
}

TEST(KeyTypeOf, ReadsTheFirstString) {
  EXPECT_EQ(key_type_of(blob(k_key1)), "ssh-ed25519");
  EXPECT_EQ(key_type_of("\x00\x00\x00\x09short"), "");
  EXPECT_EQ(ssh_fingerprint(blob(k_key1)), "SHA256:DtbZQ0avtw8BnYqhNatvz/o/FdCUbYXtN5EYs4vk7T4");
}

}  // namespace
}  // namespace tether::known_hosts_test
