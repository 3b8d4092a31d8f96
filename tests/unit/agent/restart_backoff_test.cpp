#include "agent/restart_backoff.hpp"

#include "fake_clock.hpp"

#include <gtest/gtest.h>

namespace tether::restart_backoff_test {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(RestartBackoff, DoublesTheWaitWhileAServiceKeepsCrashing) {
  test::FakeClock clock;
  RestartBackoff backoff(clock, seconds(1), seconds(8), minutes(1));
  EXPECT_TRUE(backoff.allows("web"));
  const std::vector<Millis> expected = {seconds(1), seconds(2), seconds(4), seconds(8), seconds(8)};
  for (const Millis wait : expected) {
    backoff.restarted("web");
    EXPECT_FALSE(backoff.allows("web"));
    EXPECT_EQ(backoff.wait_left("web"), wait);
    clock.advance(wait - Millis(1));
    EXPECT_FALSE(backoff.allows("web"));
    clock.advance(Millis(1));
    EXPECT_TRUE(backoff.allows("web"));
  }
  EXPECT_TRUE(backoff.allows("db")) << "services back off independently";
}

TEST(RestartBackoff, ResetsOnlyAfterTheServiceRanStably) {
  test::FakeClock clock;
  RestartBackoff backoff(clock, seconds(1), minutes(5), minutes(1));
  backoff.restarted("web");
  backoff.restarted("web");
  clock.advance(seconds(10));
  backoff.running("web");  // up, but not for long enough: the count stays
  backoff.restarted("web");
  EXPECT_EQ(backoff.wait_left("web"), seconds(4));
  clock.advance(minutes(1));
  backoff.running("web");
  backoff.restarted("web");
  EXPECT_EQ(backoff.wait_left("web"), seconds(1)) << "a stable run starts the count afresh";
}

}  // namespace
}  // namespace tether::restart_backoff_test
