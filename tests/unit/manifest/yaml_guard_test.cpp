// The guard in front of yaml-cpp 0.7, which never returns on these (found by fuzzing).
#include "manifest/yaml_guard.hpp"

#include "manifest/documents.hpp"

#include <gtest/gtest.h>

namespace tether {
namespace {

TEST(YamlGuard, FindsACommaAfterARootFlowNode) {
  EXPECT_EQ(flow_root_comma_line("{}, x"), 1U);
  EXPECT_EQ(flow_root_comma_line("\"a\", b"), 1U);
  EXPECT_EQ(flow_root_comma_line("'it''s', b"), 1U);
  EXPECT_EQ(flow_root_comma_line("# comment\n[1, [2]] # c\n\n, x"), 4U);
  EXPECT_EQ(flow_root_comma_line("%YAML 1.2\n--- &a !t {a: \"}\"}, x"), 2U);
  EXPECT_EQ(flow_root_comma_line("a: 1\n--- {}, x\n"), 2U);
}

TEST(YamlGuard, LeavesValidYamlAlone) {
  for (const char* text : {"a: {}, \n",  // not a root flow node: yaml-cpp reports it itself
                           "{a: 1, b: [2, 3]}\n",
                           "\"a, b\"\n",
                           "a\n\"b\", c\n",
                           "a: |\n  \"x\", y\n",
                           "- [], x\n",
                           "{unterminated, x",
                           ""}) {
    EXPECT_EQ(flow_root_comma_line(text), 0U) << text;
  }
}

TEST(YamlGuard, TheParserRefusesInsteadOfHanging) {
  Diagnostics diagnostics;
  EXPECT_FALSE(
      parse_service("services/web.yaml", "{\"apiVersion\": 1},\n  \"x\": {}}", diagnostics));
  EXPECT_NE(diagnostics.describe().find("services/web.yaml:1"), std::string::npos)
      << diagnostics.describe();
  EXPECT_NE(diagnostics.describe().find("comma after"), std::string::npos);
}

}  // namespace
}  // namespace tether
