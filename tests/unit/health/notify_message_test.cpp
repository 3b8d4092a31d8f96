// sd_notify datagrams as systemd reads them: newline-separated KEY=VALUE, unknown keys and
// junk ignored, only the exact values counted.
#include "health/notify_message.hpp"

#include <gtest/gtest.h>

namespace tether::notify_message_test {
namespace {

TEST(NotifyMessage, ReadsTheAssignmentsTetherHonours) {
  const NotifyMessage message =
      parse_notify_message("READY=1\nSTATUS=listening on :8080\nWATCHDOG=1\nSTOPPING=1");
  EXPECT_TRUE(message.ready);
  EXPECT_TRUE(message.watchdog_ping);
  EXPECT_TRUE(message.stopping);
  EXPECT_FALSE(message.watchdog_trigger);
  EXPECT_EQ(message.status, "listening on :8080");
}

TEST(NotifyMessage, WatchdogTriggerIsNotAPing) {
  const NotifyMessage message = parse_notify_message("WATCHDOG=trigger\n");
  EXPECT_TRUE(message.watchdog_trigger);
  EXPECT_FALSE(message.watchdog_ping);
}

TEST(NotifyMessage, OnlyExactValuesCount) {
  for (const char* text : {"READY=0",
                           "READY=11",
                           "READY",
                           "ready=1",
                           " READY=1",
                           "READY =1",
                           "WATCHDOG=2",
                           "XREADY=1",
                           "READY=1x"}) {
    const NotifyMessage message = parse_notify_message(text);
    EXPECT_FALSE(message.ready) << text;
    EXPECT_FALSE(message.watchdog_ping) << text;
  }
}

TEST(NotifyMessage, IgnoredKeysAndEmptyLinesSayNothing) {
  const NotifyMessage message = parse_notify_message(
      "\n\nMAINPID=1\nEXTEND_TIMEOUT_USEC=5000000\nRELOADING=1\nFDSTORE=1\nnonsense\n");
  EXPECT_EQ(message, NotifyMessage{});
}

TEST(NotifyMessage, StatusIsOneBoundedPrintableLine) {
  const NotifyMessage message =
      parse_notify_message("STATUS=a\tb\x1b[31mred\nSTATUS=" + std::string(1000, 'x'));
  ASSERT_TRUE(message.status);
  EXPECT_EQ(message.status->size(), 200u) << "the last STATUS= wins, cut to 200 characters";
  EXPECT_EQ(parse_notify_message("STATUS=a\tb\x1b[31m").status, "a?b?[31m");
}

TEST(NotifyMessage, ANulInTheDatagramDoesNotHideWhatFollows) {
  const std::string text("STATUS=x\0y\nREADY=1", 18);
  const NotifyMessage message = parse_notify_message(text);
  EXPECT_TRUE(message.ready);
  EXPECT_EQ(message.status, "x?y");
}

}  // namespace
}  // namespace tether::notify_message_test
