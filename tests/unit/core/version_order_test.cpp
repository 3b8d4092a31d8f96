#include "core/version_order.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tether::version_order_test {
namespace {

int sign(int value) { return (value > 0) - (value < 0); }

struct Ordered {
  std::string lower;
  std::string higher;
};

TEST(CompareVersions, OrdersTheWayPeopleReadVersions) {
  const std::vector<Ordered> cases = {
      {"1.9", "1.10"},                // numbers, not text
      {"1.9.2", "1.10.0"},            //
      {"9", "10"},                    //
      {"2.0.0-rc1", "2.0.0"},         // a pre-release comes before the release
      {"2.0.0-rc1", "2.0.0-rc2"},     //
      {"2.0.0-rc2", "2.0.0-rc10"},    // numbers inside a pre-release too
      {"1.0.0-alpha", "1.0.0-beta"},  // letters as text
      {"1.0", "1.0.1"},               // a prefix comes first
      {"1.0-rc1", "1.0.1"},           //
      {"1.0a", "1.0b"},               //
      {"1.0", "1.0a"},                //
      {"1.2.3", "1.2.10"},            //
      {"0.9.99", "1.0.0"},            //
      {"", "0"},                      // empty sorts first
  };
  for (const Ordered& c : cases) {
    EXPECT_LT(compare_versions(c.lower, c.higher), 0) << c.lower << " < " << c.higher;
    EXPECT_GT(compare_versions(c.higher, c.lower), 0) << c.higher << " > " << c.lower;
  }
}

TEST(CompareVersions, EqualVersionsCompareEqual) {
  for (const char* v : {"1.2.3", "2.0.0-rc1", "1.0a", "7", ""}) {
    EXPECT_EQ(compare_versions(v, v), 0) << v;
  }
}

TEST(CompareVersions, LeadingZerosDoNotChangeTheNumber) {
  EXPECT_EQ(compare_versions("1.01", "1.1"), 0);
  EXPECT_EQ(compare_versions("007", "7"), 0);
  EXPECT_LT(compare_versions("1.09", "1.10"), 0);
  EXPECT_GT(compare_versions("1.010", "1.9"), 0);
}

TEST(CompareVersions, IsTransitiveOverASortedList) {
  const std::vector<std::string> sorted = {"0.1",
                                           "0.9",
                                           "0.10",
                                           "1.0-alpha",
                                           "1.0-beta",
                                           "1.0",
                                           "1.0.1",
                                           "1.2.0-rc1",
                                           "1.2.0-rc10",
                                           "1.2.0",
                                           "1.10.0",
                                           "10.0"};
  for (size_t i = 0; i < sorted.size(); ++i) {
    for (size_t j = 0; j < sorted.size(); ++j) {
      const int expected = sign(static_cast<int>(i) - static_cast<int>(j));
      EXPECT_EQ(sign(compare_versions(sorted[i], sorted[j])), expected)
          << sorted[i] << " vs " << sorted[j];
    }
  }
}

}  // namespace
}  // namespace tether::version_order_test
