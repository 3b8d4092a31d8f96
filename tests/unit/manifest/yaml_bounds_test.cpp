// Issue #18, 4: a 692-byte alias bomb in another host's file kept the agent CPU-bound for
// minutes. Aliases are measured by yaml-cpp's event parser (nothing expanded, nothing built)
// and a document past the bounds is refused at the alias's line.
#include "manifest/documents.hpp"
#include "manifest/yaml_guard.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tether::yaml_bounds_test {
namespace {

const std::string k_bounds_head =
    "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: other}\n";

/// `levels` anchors, each a list of ten aliases of the one before: 10^levels leaves.
std::string alias_bomb(int levels) {
  std::string text =
      k_bounds_head + "spec:\n  labels: {zone: a}\nx:\n  a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n";
  for (int i = 1; i <= levels; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j == 0 ? "" : ",") + prev;
    text += "]\n";
  }
  return text;
}

TEST(YamlBounds, AnAliasBombIsRefusedAtItsLineBeforeAnyNodeIsBuilt) {
  const std::string bomb = alias_bomb(11);
  ASSERT_LT(bomb.size(), 1000U);
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_host("hosts/other.yaml", bomb, diagnostics));
  const std::string text = diagnostics.describe();
  // a3 alone expands to 11,111 nodes: its aliases (line 10) pass 10,000.
  EXPECT_NE(text.find("hosts/other.yaml:10:"), std::string::npos) << text;
  EXPECT_NE(text.find("aliases expand this document to more than 10000 nodes"), std::string::npos)
      << text;
  EXPECT_EQ(diagnostics.size(), 1U) << text;
  Diagnostics as_service;
  EXPECT_FALSE(parse_service("services/x.yaml", bomb, as_service));
  Diagnostics as_agent;
  EXPECT_FALSE(parse_agent_config("agent.yaml", bomb, as_agent));
  EXPECT_NE(as_agent.describe().find("aliases expand"), std::string::npos);
}

TEST(YamlBounds, ModestAliasesAreFine) {
  const std::string text =
      "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: web-01}\n"
      "spec:\n  labels: &labels {role: web, zone: eu-1}\n";
  Diagnostics diagnostics;
  const auto host = parse_host("hosts/web-01.yaml", text, diagnostics);
  ASSERT_TRUE(host) << diagnostics.describe();
  EXPECT_EQ(host->host.labels.at("zone"), "eu-1");
  EXPECT_FALSE(yaml_guard(alias_bomb(2)).has_value());  // 1,111 nodes for a2: within bounds
}

TEST(YamlBounds, AnAliasInsideItsOwnAnchorIsACycle) {
  for (const char* text : {"a: &a [1, *a]\n", "a: &a {b: *a}\n", "a: &a\n  - *a\n"}) {
    SCOPED_TRACE(text);
    const auto problem = yaml_guard(text);
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->message.find("cycle"), std::string::npos) << problem->message;
    Diagnostics diagnostics;
    EXPECT_FALSE(parse_host("hosts/h.yaml", text, diagnostics));
  }
}

TEST(YamlBounds, DeepNestingIsRefusedWithAMessageThatSaysSo) {
  // yaml-cpp's own limit said only "malformed YAML: bad file".
  for (const size_t depth : {65UL, 5000UL}) {
    const std::string text = "spec: " + std::string(depth, '[') + std::string(depth, ']') + "\n";
    Diagnostics diagnostics;
    EXPECT_FALSE(parse_service("services/deep.yaml", text, diagnostics));
    EXPECT_NE(diagnostics.describe().find("services/deep.yaml:1: malformed YAML: nested more than "
                                          "64 levels deep"),
              std::string::npos)
        << diagnostics.describe();
  }
  const std::string ok = "spec: " + std::string(60, '[') + std::string(60, ']') + "\n";
  EXPECT_FALSE(yaml_guard(ok).has_value());
  // Nesting counts once aliases are expanded: 40 levels repeated inside 40 levels is 80.
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  const std::string stacked =
      "a: &a " + deep + "\nb: " + std::string(40, '[') + "*a" + std::string(40, ']') + "\n";
  const auto problem = yaml_guard(stacked);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->line, 2U);
  EXPECT_NE(problem->message.find("an alias nests this document more than 64 levels deep"),
            std::string::npos)
      << problem->message;
}

}  // namespace
}  // namespace tether::yaml_bounds_test
