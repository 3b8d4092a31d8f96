#include "agent/poll_schedule.hpp"

#include <gtest/gtest.h>

namespace tether::poll_schedule_test {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(PollSchedule, JittersAroundTheInterval) {
  const PollSchedule schedule{seconds(30), 10};
  EXPECT_EQ(schedule.next(0, 0.0), seconds(27));
  EXPECT_EQ(schedule.next(0, 0.5), seconds(30));
  EXPECT_EQ(schedule.next(0, 0.999999).count() / 1000, 32);
}

TEST(PollSchedule, BacksOffExponentiallyOnFailuresUpToTheCap) {
  const PollSchedule schedule{seconds(30), 0};
  const std::vector<std::pair<int, Millis>> table = {{0, seconds(30)},
                                                     {1, seconds(60)},
                                                     {2, seconds(120)},
                                                     {3, seconds(240)},
                                                     {4, minutes(5)},
                                                     {50, minutes(5)}};
  for (const auto& [failures, expected] : table) {
    EXPECT_EQ(schedule.next(failures, 0.5), expected) << failures << " failures";
  }
}

TEST(PollSchedule, NeverBacksOffBelowALongInterval) {
  const PollSchedule schedule{minutes(10), 0};
  EXPECT_EQ(schedule.next(3, 0.5), minutes(10));
}

TEST(PollSchedule, FirstPollWaitsAShareOfTheJitterWindow) {
  const PollSchedule schedule{seconds(30), 10};
  EXPECT_EQ(schedule.first(0.0), Millis(0));
  EXPECT_EQ(schedule.first(0.5), Millis(1500));
  EXPECT_LT(schedule.first(0.999), seconds(3));
}

}  // namespace
}  // namespace tether::poll_schedule_test
