#include "fleet/targets.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::fleet::targets_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FleetTargets, OneUrlALineWithCommentsBlanksAndBareHostPorts) {
  const auto targets = parse_targets(
      "# web tier\n"
      "http://10.0.0.5:9410\n"
      "\n"
      "   10.0.0.6:9410   # web-02\n"
      "https://agents.example.com/web-03/\r\n"
      "web-04.internal:9410",
      "fleet.txt");
  ASSERT_TRUE(targets) << targets.error().describe();
  EXPECT_THAT(*targets,
              ElementsAre("http://10.0.0.5:9410",
                          "http://10.0.0.6:9410",
                          "https://agents.example.com/web-03",
                          "http://web-04.internal:9410"));
}

struct BadList {
  const char* text;
  const char* message;
};

class FleetTargetsRefused : public ::testing::TestWithParam<BadList> {};

TEST_P(FleetTargetsRefused, NamesTheLineAndWhatIsWrong) {
  const auto targets = parse_targets(GetParam().text, "fleet.txt");
  ASSERT_FALSE(targets);
  EXPECT_THAT(targets.error().message, HasSubstr(GetParam().message));
  EXPECT_FALSE(targets.error().hint.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Lists,
    FleetTargetsRefused,
    ::testing::Values(
        BadList{"", "fleet.txt: no targets"},
        BadList{"# only a comment\n\n", "fleet.txt: no targets"},
        BadList{"10.0.0.5:9410\nftp://10.0.0.6/\n", "fleet.txt:2: expected an http:// or https://"},
        BadList{"10.0.0.5:9410 10.0.0.6:9410\n", "fleet.txt:1: expected one URL"},
        BadList{"http://\n", "fleet.txt:1: no host"},
        BadList{"10.0.0.5:9410\n\nhttp://10.0.0.5:9410/\n",
                "fleet.txt:3: http://10.0.0.5:9410 is listed twice (first on line 1)"}));

TEST(FleetTargets, AuthorityAndStatusUrl) {
  EXPECT_EQ(authority_of("http://10.0.0.5:9410"), "10.0.0.5:9410");
  EXPECT_EQ(authority_of("https://agents.example.com/web-03"), "agents.example.com");
  EXPECT_EQ(status_url("http://10.0.0.5:9410"), "http://10.0.0.5:9410/status");
  EXPECT_EQ(status_url("https://agents.example.com/web-03"),
            "https://agents.example.com/web-03/status");
}

}  // namespace
}  // namespace tether::fleet::targets_test
