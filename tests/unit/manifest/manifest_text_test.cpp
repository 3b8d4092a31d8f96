// Issue #18, 5 and 3: bytes that are not UTF-8 are refused at the field that holds them (they
// aborted the agent in JSON output), and a config target may not stand in for the binary.
#include "manifest/documents.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tether::manifest_text_test {
namespace {

const std::string k_service =
    "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
    "  release:\n    version: \"1.4.2\"\n    commit: " +
    std::string(40, 'f') +
    "\n    artifact: {url: \"https://a.example/web.tgz\", sha256: " + std::string(64, 'd') +
    "}\n    binary: {path: bin/web, sha256: " + std::string(64, 'e') +
    "}\n  run:\n    exec:\n      command: [bin/web]\n      env: {PORT: \"8080\"}\n";

std::string problems_of(const std::string& text) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_service("services/web.yaml", text, diagnostics).has_value()) << text;
  return diagnostics.describe();
}

std::string with(const std::string& from, const std::string& to) {
  std::string text = k_service;
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(ManifestText, InvalidUtf8IsRefusedAtItsField) {
  EXPECT_EQ(problems_of(with("PORT: \"8080\"", "PORT: \"80\xff\"")),
            "services/web.yaml:13: spec.run.exec.env.PORT: the value is not valid UTF-8 (byte 2 "
            "of \"80\\xFF\"); manifests are UTF-8 text: re-save the file as UTF-8");
  const std::string key = problems_of(with("PORT: \"8080\"", "\xc3\x28: \"1\""));
  EXPECT_NE(key.find("spec.run.exec.env.\\xC3(: the key is not valid UTF-8"), std::string::npos)
      << key;
  // Overlong and surrogate forms are not UTF-8 either.
  EXPECT_NE(problems_of(with("bin/web]", "bin/web, \"\xc0\xaf\"]")).find("command[1]"),
            std::string::npos);
  EXPECT_NE(problems_of(with("bin/web]", "bin/web, \"\xed\xa0\x80\"]")).find("command[1]"),
            std::string::npos);
}

TEST(ManifestText, Utf8TextIsFine) {
  Diagnostics diagnostics;
  const auto service =
      parse_service("services/web.yaml", with("\"8080\"", "\"8080 café ✓ 🚀\""), diagnostics);
  ASSERT_TRUE(service) << diagnostics.describe();
}

TEST(ManifestText, HostLabelsAndKeysToo) {
  const std::string host =
      "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: h}\nspec:\n"
      "  labels: {zone: \"eu-\xfe\"}\n";
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_host("hosts/h.yaml", host, diagnostics));
  EXPECT_NE(diagnostics.describe().find("hosts/h.yaml:5: spec.labels.zone: the value is not "
                                        "valid UTF-8"),
            std::string::npos)
      << diagnostics.describe();
}

TEST(ManifestText, AConfigTargetMayNotReplaceThePinnedBinary) {
  for (const std::string target : {"bin/web", "bin", "bin/web/x"}) {
    SCOPED_TRACE(target);
    const std::string text =
        k_service + "  config:\n    - {source: config/web/app.yaml, target: " + target + "}\n";
    const std::string found = problems_of(text);
    EXPECT_NE(found.find("spec.config[0].target: \"" + target +
                         "\" would replace the pinned binary bin/web"),
              std::string::npos)
        << found;
  }
  Diagnostics diagnostics;
  EXPECT_TRUE(parse_service(
      "services/web.yaml",
      k_service + "  config:\n    - {source: config/web/app.yaml, target: bin/web.conf}\n",
      diagnostics))
      << diagnostics.describe();
}

TEST(ManifestText, UnpackLimitsAreRead) {
  Diagnostics diagnostics;
  const auto service = parse_service(
      "services/web.yaml",
      with("    binary:", "    limits: {maxUnpackedMiB: 4, maxFiles: 12}\n    binary:"),
      diagnostics);
  ASSERT_TRUE(service) << diagnostics.describe();
  EXPECT_EQ(service->release()->limits.max_bytes, 4LL * 1024 * 1024);
  EXPECT_EQ(service->release()->limits.max_files, 12);
  Diagnostics defaults;
  const auto plain = parse_service("services/web.yaml", k_service, defaults);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->release()->limits.max_bytes, 2LL * 1024 * 1024 * 1024);
  EXPECT_EQ(plain->release()->limits.max_files, 100'000);
  EXPECT_NE(problems_of(with("    binary:", "    limits: {maxFiles: 0}\n    binary:"))
                .find("spec.release.limits.maxFiles"),
            std::string::npos);
}

}  // namespace
}  // namespace tether::manifest_text_test
