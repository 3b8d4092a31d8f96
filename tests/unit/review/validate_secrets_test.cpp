// secrets (#23): what `tether validate` can tell about encrypted config files from Git alone.
#include "review/validate.hpp"

#include <gtest/gtest.h>

namespace tether::review::validate_secrets_test {
namespace {

const std::string k_key_a = "age1z0a33l2wvvyws399k786l3a25lrwz58ap4dyexe8f50qf9mq8qaqrrcp74";
const std::string k_key_b = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";

std::string ciphertext(int recipients) {
  std::string text = "age-encryption.org/v1\n";
  for (int i = 0; i < recipients; ++i) {
    text +=
        "-> X25519 qQ53DZnnF5L7u2k5zA52MAMnti+1azouE0SbmzPpUDc\n"
        "DgeaUqqEwyzAty5Bwd/GUT+eC5EzE14NTJzHvVGZaiI\n";
  }
  return text + "--- sjCqnRcZAPh6uIHWjiytfKJJmgeBB1Q4glzrMcGIzOM\npayload";
}

std::string service_yaml() {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
         "  selector: {role: web}\n"
         "  release:\n    version: \"1.0.0\"\n    commit: " +
         std::string(40, 'a') +
         "\n    artifact: {url: file:///srv/a.tar.gz, sha256: " + std::string(64, 'b') +
         "}\n    binary: {path: bin/app, sha256: " + std::string(64, 'c') +
         "}\n  config:\n"
         "    - {source: config/web/secret.env.age, target: etc/secret.env, encryption: age}\n"
         "  run:\n    exec:\n      command: [bin/app]\n";
}

std::string recipient_host_yaml(const std::string& name) {
  return "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: " + name +
         "}\nspec:\n  labels: {role: web}\n";
}

ValidationReport validate_with_recipients(std::map<std::string, std::string> files) {
  files.emplace("services/web.yaml", service_yaml());
  files.emplace("hosts/web-01.yaml", recipient_host_yaml("web-01"));
  files.emplace("hosts/web-02.yaml", recipient_host_yaml("web-02"));
  return validate_snapshot(StateSnapshot{std::string(40, 'f'), std::move(files)});
}

std::string describe_report(const ValidationReport& report) {
  return render_validation_text(report, "X");
}

TEST(ValidateSecrets, AFileEncryptedToEveryHostThatGetsItIsValid) {
  const auto report =
      validate_with_recipients({{"config/web/secret.env.age", ciphertext(2)},
                                {"secrets/recipients/web-01.txt", "# web-01\n" + k_key_a + "\n"},
                                {"secrets/recipients/web-02.txt", k_key_b + "\n"}});
  EXPECT_TRUE(report.valid()) << describe_report(report);
}

TEST(ValidateSecrets, RefusesPlaintextWhereTheManifestSaysEncrypted) {
  const auto report = validate_with_recipients({{"config/web/secret.env.age", "TOKEN=plain\n"},
                                                {"secrets/recipients/web-01.txt", k_key_a + "\n"},
                                                {"secrets/recipients/web-02.txt", k_key_b + "\n"}});
  EXPECT_FALSE(report.valid());
  EXPECT_NE(describe_report(report).find("is not age ciphertext"), std::string::npos)
      << describe_report(report);
}

TEST(ValidateSecrets, RefusesAFileAHostWithoutRecipientsGets) {
  const auto report = validate_with_recipients({{"config/web/secret.env.age", ciphertext(2)},
                                                {"secrets/recipients/web-01.txt", k_key_a + "\n"}});
  EXPECT_FALSE(report.valid());
  const std::string text = describe_report(report);
  EXPECT_NE(text.find("services/web.yaml:"), std::string::npos) << text;
  EXPECT_NE(text.find("web-02 (which get it)"), std::string::npos) << text;
  EXPECT_NE(text.find("secrets/recipients/web-02.txt"), std::string::npos) << text;
}

TEST(ValidateSecrets, RefusesAFileEncryptedToFewerRecipientsThanHosts) {
  const auto report = validate_with_recipients({{"config/web/secret.env.age", ciphertext(1)},
                                                {"secrets/recipients/web-01.txt", k_key_a + "\n"},
                                                {"secrets/recipients/web-02.txt", k_key_b + "\n"}});
  EXPECT_FALSE(report.valid());
  EXPECT_NE(describe_report(report).find("some of them cannot decrypt it"), std::string::npos)
      << describe_report(report);
}

TEST(ValidateSecrets, HostsSharingAKeyNeedOneStanza) {
  const auto report = validate_with_recipients({{"config/web/secret.env.age", ciphertext(1)},
                                                {"secrets/recipients/web-01.txt", k_key_a + "\n"},
                                                {"secrets/recipients/web-02.txt", k_key_a + "\n"}});
  EXPECT_TRUE(report.valid()) << describe_report(report);
}

TEST(ValidateSecrets, RefusesAMalformedRecipientsFile) {
  const auto report =
      validate_with_recipients({{"config/web/secret.env.age", ciphertext(2)},
                                {"secrets/recipients/web-01.txt", k_key_a + "\n"},
                                {"secrets/recipients/web-02.txt", "AGE-SECRET-KEY-1XYZ\n"}});
  EXPECT_FALSE(report.valid());
  EXPECT_NE(describe_report(report).find("secrets/recipients/web-02.txt"), std::string::npos)
      << describe_report(report);
}

}  // namespace
}  // namespace tether::review::validate_secrets_test
