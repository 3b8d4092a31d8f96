#include "core/non_socket_fds.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

namespace tether::non_socket_fds_test {
namespace {

bool registered(int fd) {
  const std::vector<bool> fds = registered_non_socket_fds();
  return fd >= 0 && static_cast<size_t>(fd) < fds.size() && fds[static_cast<size_t>(fd)];
}

int open_null() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

TEST(NonSocketFd, IsRegisteredWhileOpenAndNotOnceClosed) {
  int number = -1;
  {
    NonSocketFd fd(open_null());
    ASSERT_TRUE(fd.valid());
    number = fd.get();
    EXPECT_TRUE(registered(number));
  }
  EXPECT_FALSE(registered(number));
  // The kernel hands the lowest free number out again: a descriptor opened under that number
  // by anybody else is not taken for a registered one.
  const int again = open_null();
  EXPECT_EQ(again, number);
  EXPECT_FALSE(registered(again));
  ::close(again);
}

TEST(NonSocketFd, FollowsAMoveAndAReset) {
  NonSocketFd first(open_null());
  const int number = first.get();
  NonSocketFd second = std::move(first);
  EXPECT_FALSE(first.valid());  // NOLINT(bugprone-use-after-move): what a move leaves
  EXPECT_TRUE(registered(number));
  NonSocketFd third(open_null());
  const int other = third.get();
  third = std::move(second);
  EXPECT_FALSE(registered(other));
  EXPECT_TRUE(registered(number));
  third.reset();
  EXPECT_FALSE(registered(number));
}

}  // namespace
}  // namespace tether::non_socket_fds_test
