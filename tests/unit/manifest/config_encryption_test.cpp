// secrets (#23): `spec.config[].encryption: age` in a Service and what the loader refuses.
#include "manifest/config_hash.hpp"
#include "manifest/documents.hpp"
#include "manifest/state_loader.hpp"

#include <gtest/gtest.h>

namespace tether::config_encryption_test {
namespace {

const std::string k_ciphertext =
    "age-encryption.org/v1\n-> X25519 qQ53DZnnF5L7u2k5zA52MAMnti+1azouE0SbmzPpUDc\n"
    "DgeaUqqEwyzAty5Bwd/GUT+eC5EzE14NTJzHvVGZaiI\n"
    "--- sjCqnRcZAPh6uIHWjiytfKJJmgeBB1Q4glzrMcGIzOM\n\x9e\xf3payload";

std::string service_yaml(const std::string& config) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
         "  release:\n    version: \"1.0.0\"\n    commit: " +
         std::string(40, 'a') +
         "\n    artifact: {url: file:///srv/a.tar.gz, sha256: " + std::string(64, 'b') +
         "}\n    binary: {path: bin/app, sha256: " + std::string(64, 'c') + "}\n  config:\n" +
         config + "  run:\n    exec:\n      command: [bin/app]\n";
}

const std::string k_secret_entry =
    "    - {source: config/web/secret.env.age, target: etc/secret.env, encryption: age}\n";

TEST(ConfigEncryption, ReadsTheFieldAndDefaultsToNone) {
  Diagnostics diagnostics;
  const auto service = parse_service(
      "services/web.yaml",
      service_yaml(k_secret_entry + "    - {source: config/web/app.conf, target: etc/app.conf}\n"),
      diagnostics);
  ASSERT_TRUE(service) << diagnostics.describe();
  EXPECT_EQ(service->config.at(0).encryption, ConfigEncryption::age);
  EXPECT_EQ(service->config.at(1).encryption, ConfigEncryption::none);
}

TEST(ConfigEncryption, RefusesAnUnknownFormat) {
  Diagnostics diagnostics;
  EXPECT_FALSE(
      parse_service("services/web.yaml",
                    service_yaml("    - {source: config/web/s, target: etc/s, encryption: sops}\n"),
                    diagnostics));
  EXPECT_NE(diagnostics.describe().find("spec.config[0].encryption"), std::string::npos)
      << diagnostics.describe();
}

TEST(ConfigEncryption, RefusesEncryptedConfigForContainers) {
  const std::string text =
      "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
      "  container: {image: \"docker.io/library/nginx@sha256:" +
      std::string(64, 'a') + "\"}\n  config:\n" + k_secret_entry;
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_service("services/web.yaml", text, diagnostics));
  EXPECT_NE(diagnostics.describe().find("release services only"), std::string::npos)
      << diagnostics.describe();
}

TEST(ConfigEncryption, TheConfigHashIsOverTheCiphertext) {
  const StateSnapshot snapshot{"c0ffee",
                               {{"services/web.yaml", service_yaml(k_secret_entry)},
                                {"config/web/secret.env.age", k_ciphertext}}};
  Diagnostics diagnostics;
  const auto desired = load_desired(snapshot, HostIdentity{"web-01", {}}, diagnostics);
  ASSERT_TRUE(desired) << diagnostics.describe();
  const DesiredService& web = desired->services.at("web");
  EXPECT_EQ(web.config_files.at("etc/secret.env"), k_ciphertext);
  EXPECT_EQ(web.release.config_hash, config_hash({{"etc/secret.env", k_ciphertext}}));
}

TEST(ConfigEncryption, RefusesPlaintextWhereTheManifestSaysEncrypted) {
  for (const std::string& content :
       {std::string("PASSWORD=hunter2\n"),
        std::string("age-encryption.org/v1\n-> scrypt c2FsdA 18\n") +
            "DgeaUqqEwyzAty5Bwd/GUT+eC5EzE14NTJzHvVGZaiI\n--- m\npayload"}) {
    const StateSnapshot snapshot{"c0ffee",
                                 {{"services/web.yaml", service_yaml(k_secret_entry)},
                                  {"config/web/secret.env.age", content}}};
    Diagnostics diagnostics;
    EXPECT_FALSE(load_desired(snapshot, HostIdentity{"web-01", {}}, diagnostics));
    const std::string said = diagnostics.describe();
    EXPECT_NE(said.find("config/web/secret.env.age"), std::string::npos) << said;
    EXPECT_EQ(said.find("hunter2"), std::string::npos) << said;
  }
}

}  // namespace
}  // namespace tether::config_encryption_test
