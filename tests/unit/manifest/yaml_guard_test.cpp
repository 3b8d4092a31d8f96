// The guard in front of yaml-cpp 0.7, whose LoadAll never returns on these (found by fuzzing).
#include "manifest/yaml_guard.hpp"

#include "manifest/documents.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace tether::yaml_guard_test {
namespace {

TEST(YamlGuard, FindsACommaAfterARootFlowNode) {
  EXPECT_EQ(stray_comma_line("{}, x"), 1U);
  EXPECT_EQ(stray_comma_line("\"a\", b"), 1U);
  EXPECT_EQ(stray_comma_line("'it''s', b"), 1U);
  EXPECT_EQ(stray_comma_line("# comment\n[1, [2]] # c\n\n, x"), 4U);
  EXPECT_EQ(stray_comma_line("%YAML 1.2\n--- &a !t {a: \"}\"}, x"), 2U);
  EXPECT_EQ(stray_comma_line("a: 1\n--- {}, x\n"), 2U);
}

// The first guard looked at flow nodes and quoted scalars only; the fuzzer then ran out of
// memory (2 GiB) on commas after block nodes and before any node.
TEST(YamlGuard, FindsACommaAfterABlockNodeOrBeforeAnyNode) {
  EXPECT_EQ(stray_comma_line("- a\n, x"), 2U);
  EXPECT_EQ(stray_comma_line("|\n  text\n, x"), 3U);
  EXPECT_EQ(stray_comma_line(">\n  text\n,\n"), 3U);
  EXPECT_EQ(stray_comma_line("&a , x"), 1U);
  EXPECT_EQ(stray_comma_line("!t , x"), 1U);
  EXPECT_EQ(stray_comma_line(", x"), 1U);
  EXPECT_EQ(stray_comma_line(","), 1U);
  EXPECT_EQ(stray_comma_line("# c\n...\n, x"), 3U);
  EXPECT_EQ(stray_comma_line("apiVersion: tether.dev/v1\n---\n- a\n, x"), 4U);
}

TEST(YamlGuard, LeavesOtherYamlToTheParser) {
  for (const char* text : {"a: {}, \n",  // yaml-cpp reports these itself
                           "- [], x\n",
                           "{unterminated, x",
                           "a: b\n, x",
                           "{a: 1, b: [2, 3]}\n",
                           "\"a, b\"\n",
                           "a\n\"b\", c\n",
                           "a: |\n  \"x\", y\n",
                           "a\n---\nb\n",
                           "---\n---\n",
                           ""}) {
    EXPECT_EQ(stray_comma_line(text), 0U) << text;
  }
}

TEST(YamlGuard, TheParserRefusesInsteadOfHanging) {
  Diagnostics diagnostics;
  EXPECT_FALSE(
      parse_service("services/web.yaml", "{\"apiVersion\": 1},\n  \"x\": {}}", diagnostics));
  EXPECT_NE(diagnostics.describe().find("services/web.yaml:1"), std::string::npos)
      << diagnostics.describe();
  EXPECT_NE(diagnostics.describe().find("a comma where no value can start"), std::string::npos);
}

// The fuzz_manifest out-of-memory input kind (a block manifest, then a comma on its own line)
// is in the seed corpus; each parser refuses it with the comma's line.
TEST(YamlGuard, EveryParserRefusesTheFuzzerOutOfMemoryInput) {
  std::ifstream file(std::string(TETHER_SOURCE_DIR) +
                     "/tests/fuzz/corpus/manifest/stray-comma-after-block-map.yaml");
  ASSERT_TRUE(file) << "seed corpus file missing";
  std::stringstream text;
  text << file.rdbuf();
  Diagnostics service;
  EXPECT_FALSE(parse_service("services/web.yaml", text.str(), service));
  EXPECT_NE(service.describe().find("services/web.yaml:9"), std::string::npos)
      << service.describe();
  Diagnostics host;
  EXPECT_FALSE(parse_host("hosts/a.yaml", text.str(), host));
  EXPECT_NE(host.describe().find("hosts/a.yaml:9"), std::string::npos) << host.describe();
  Diagnostics agent;
  EXPECT_FALSE(parse_agent_config("agent.yaml", text.str(), agent));
  EXPECT_NE(agent.describe().find("agent.yaml:9"), std::string::npos) << agent.describe();
}

}  // namespace
}  // namespace tether::yaml_guard_test
