#include "core/duration.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tether::duration_test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, ReadsEveryUnit) {
  EXPECT_EQ(parse_duration("250ms"), Millis(250));
  EXPECT_EQ(parse_duration("10s"), seconds(10));
  EXPECT_EQ(parse_duration("5m"), minutes(5));
  EXPECT_EQ(parse_duration("2h"), hours(2));
  EXPECT_EQ(parse_duration("0s"), Millis(0));
  EXPECT_EQ(parse_duration("007s"), seconds(7));
}

TEST(ParseDuration, RejectsAnythingButDigitsAndAUnit) {
  const std::vector<std::string> bad = {"1.5s",
                                        "-1s",
                                        "+1s",
                                        "10",
                                        "s",
                                        "10 s",
                                        " 10s",
                                        "10s ",
                                        "10S",
                                        "10sec",
                                        "10d",
                                        "",
                                        "ms",
                                        "1h30m",
                                        "1e3ms",
                                        "0x10s",
                                        "10ms5"};
  for (const std::string& text : bad) {
    EXPECT_FALSE(parse_duration(text).has_value()) << '"' << text << "\" was accepted";
  }
}

TEST(ParseDuration, RejectsNumbersTooLongToBeMeant) {
  EXPECT_EQ(parse_duration("999999999999ms"), Millis(999999999999));
  EXPECT_FALSE(parse_duration("1000000000000ms").has_value());
}

TEST(FormatDuration, PicksTheLargestExactUnit) {
  EXPECT_EQ(format_duration(Millis(1500)), "1500ms");
  EXPECT_EQ(format_duration(Millis(60'000)), "1m");
  EXPECT_EQ(format_duration(Millis(90'000)), "90s");
  EXPECT_EQ(format_duration(hours(2)), "2h");
  EXPECT_EQ(format_duration(minutes(90)), "90m");
  EXPECT_EQ(format_duration(Millis(1000)), "1s");
  EXPECT_EQ(format_duration(Millis(1)), "1ms");
  EXPECT_EQ(format_duration(Millis(0)), "0s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (const Millis value : {Millis(1),
                             Millis(999),
                             Millis(1000),
                             Millis(61'000),
                             Millis(3'600'000),
                             Millis(86'400'000),
                             Millis(0)}) {
    const std::string text = format_duration(value);
    EXPECT_EQ(parse_duration(text), value) << text;
  }
}

}  // namespace
}  // namespace tether::duration_test
