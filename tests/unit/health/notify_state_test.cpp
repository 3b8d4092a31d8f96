// The notify probe's verdict: ready, the watchdog's clock, WATCHDOG=trigger, and an agent that
// was down not blaming the service.
#include "health/notify_state.hpp"

#include <gtest/gtest.h>

namespace tether::notify_state_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const SteadyTime k_start{seconds(1000)};

NotifyMessage ready() { return parse_notify_message("READY=1"); }
NotifyMessage ping() { return parse_notify_message("WATCHDOG=1"); }

TEST(NotifyState, AStartedProcessWaitsForReady) {
  NotifyState state = started_state(k_start);
  const ProbeResult waiting = judge_notify(state, 42, 0, k_start + seconds(5));
  EXPECT_FALSE(waiting.healthy);
  EXPECT_EQ(waiting.detail, "waiting for READY=1 from pid 42");
  apply_message(state, ready(), k_start + seconds(5));
  EXPECT_TRUE(judge_notify(state, 42, 0, k_start + seconds(500)).healthy) << "no watchdog";
}

TEST(NotifyState, WithoutReadyTheStatusIsShown) {
  NotifyState state = started_state(k_start);
  apply_message(state, parse_notify_message("STATUS=migrating 3/7"), k_start);
  EXPECT_EQ(judge_notify(state, 7, 0, k_start).detail,
            "waiting for READY=1 from pid 7 (STATUS=migrating 3/7)");
}

TEST(NotifyState, TheWatchdogRunsFromReadyAndEachPingResetsIt) {
  NotifyState state = started_state(k_start);
  apply_message(state, ready(), k_start + seconds(3));
  EXPECT_TRUE(judge_notify(state, 9, 2, k_start + seconds(5)).healthy)
      << "2 s after READY=1: not missed (the time before READY=1 does not count)";
  apply_message(state, ping(), k_start + seconds(4));
  EXPECT_TRUE(judge_notify(state, 9, 2, k_start + seconds(6)).healthy);
  const ProbeResult missed = judge_notify(state, 9, 2, k_start + seconds(6) + milliseconds(1));
  EXPECT_FALSE(missed.healthy);
  EXPECT_EQ(missed.detail.rfind("watchdog missed: no WATCHDOG=1 from pid 9 for 2001ms", 0), 0u)
      << missed.detail;
}

TEST(NotifyState, TriggerFailsAtOnceAndStays) {
  NotifyState state = started_state(k_start);
  apply_message(state, ready(), k_start);
  apply_message(state, parse_notify_message("WATCHDOG=trigger"), k_start + seconds(1));
  apply_message(state, ping(), k_start + seconds(2));
  const ProbeResult result = judge_notify(state, 5, 0, k_start + seconds(2));
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "pid 5 asked for a restart with WATCHDOG=trigger");
}

TEST(NotifyState, AnAdoptedProcessIsReadyAndItsWatchdogClockStartsAfresh) {
  // The agent restarted while the service ran: it heard nothing for a while, which is not the
  // service's fault.
  const NotifyState state = adopted_state(k_start);
  EXPECT_TRUE(judge_notify(state, 3, 2, k_start + seconds(2)).healthy);
  EXPECT_FALSE(judge_notify(state, 3, 2, k_start + seconds(3)).healthy);
}

TEST(NotifyState, WatchdogFailuresAreToldApartFromOtherFailures) {
  NotifyState state = started_state(k_start);
  EXPECT_FALSE(is_watchdog_failure(judge_notify(state, 4, 1, k_start).detail)) << "not ready";
  apply_message(state, ready(), k_start);
  EXPECT_TRUE(is_watchdog_failure(judge_notify(state, 4, 1, k_start + seconds(2)).detail));
  apply_message(state, parse_notify_message("WATCHDOG=trigger"), k_start);
  EXPECT_TRUE(is_watchdog_failure(judge_notify(state, 4, 1, k_start).detail));
  EXPECT_FALSE(is_watchdog_failure("HTTP 500 from http://127.0.0.1/ (WATCHDOG=trigger)"));
}

}  // namespace
}  // namespace tether::notify_state_test
