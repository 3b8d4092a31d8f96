#include "process/text_busy.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace tether::text_busy_test {
namespace {

TEST(RetryTextBusy, StartsAgainWhileTheProgramIsTextBusy) {
  int calls = 0;
  EXPECT_EQ(retry_text_busy([&] { return ++calls < 3 ? ETXTBSY : 0; }), 0);
  EXPECT_EQ(calls, 3);
}

TEST(RetryTextBusy, AnyOtherErrorComesBackAtOnce) {
  int calls = 0;
  EXPECT_EQ(retry_text_busy([&] {
              ++calls;
              return ENOENT;
            }),
            ENOENT);
  EXPECT_EQ(calls, 1);
}

TEST(RetryTextBusy, GivesUpAfterAboutASecond) {
  int calls = 0;
  EXPECT_EQ(retry_text_busy([&] {
              ++calls;
              return ETXTBSY;
            }),
            ETXTBSY);
  EXPECT_EQ(calls, 25);
}

}  // namespace
}  // namespace tether::text_busy_test
