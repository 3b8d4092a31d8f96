// secrets (#23): what age printed before it failed is plaintext, and no error quotes it.
#include "apply/age_decryptor.hpp"

#include "fake_command_runner.hpp"

#include <gtest/gtest.h>

namespace tether::age_decryptor_test {
namespace {

const std::string k_plaintext = "DB_PASSWORD=first-chunk-7c21\n";

TEST(AgeDecryptor, AFailureAfterSomePlaintextNeverQuotesIt) {
  // Killed by a signal (the OOM killer, say) after one authenticated chunk: stdout holds
  // plaintext and stderr nothing, the case where a generic failure message quotes stdout.
  test::FakeCommandRunner killed;
  killed.reply(CommandOutput{-1, k_plaintext, "", false});
  auto decrypted = decrypt_age_file(killed, "/etc/tether/age.key", "/tmp/x.age", "config/a.age");
  ASSERT_FALSE(decrypted);
  EXPECT_EQ(decrypted.error().describe().find("first-chunk"), std::string::npos)
      << decrypted.error().describe();
  EXPECT_NE(decrypted.error().message.find("config/a.age"), std::string::npos);

  // A ciphertext cut short: age says so on stderr, after writing what it could verify.
  test::FakeCommandRunner truncated;
  truncated.reply(
      CommandOutput{1, k_plaintext, "age: error: failed to read: unexpected EOF", false});
  decrypted = decrypt_age_file(truncated, "/etc/tether/age.key", "/tmp/x.age", "config/a.age");
  ASSERT_FALSE(decrypted);
  EXPECT_EQ(decrypted.error().describe().find("first-chunk"), std::string::npos);
  EXPECT_NE(decrypted.error().message.find("unexpected EOF"), std::string::npos)
      << decrypted.error().message;
}

TEST(AgeDecryptor, WhatItDecryptsIsReturnedWhole) {
  test::FakeCommandRunner runner;
  runner.reply(CommandOutput{0, k_plaintext, "", false});
  auto decrypted = decrypt_age_file(runner, "/etc/tether/age.key", "/tmp/x.age", "config/a.age");
  ASSERT_TRUE(decrypted) << decrypted.error().describe();
  EXPECT_EQ(*decrypted, k_plaintext);
  ASSERT_EQ(runner.m_commands.size(), 1u);
  EXPECT_EQ(runner.m_commands[0].argv.at(0), "age");
}

}  // namespace
}  // namespace tether::age_decryptor_test
