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
  // A descriptor that gets that number again (anybody's) is not taken for a registered one.
  const int low = open_null();
  const int again = ::fcntl(low, F_DUPFD_CLOEXEC, number);
  ::close(low);
  EXPECT_EQ(again, number);
  EXPECT_FALSE(registered(again));
  ::close(again);
}

// Up where /proc/self/fd lists it after everything else, so a scan for sockets stops first.
TEST(NonSocketFd, MovesItsDescriptorUpToTheFloorAndClosesTheOldNumber) {
  ASSERT_GT(non_socket_fd_floor(), 0) << "a test run allows 512 descriptors at least";
  const int opened = open_null();
  NonSocketFd fd(opened);
  EXPECT_GE(fd.get(), non_socket_fd_floor());
  EXPECT_EQ(::fcntl(fd.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC) << "still closed on exec";
  EXPECT_EQ(::fcntl(opened, F_GETFD), -1) << "the old number is free";
  EXPECT_TRUE(registered(fd.get()));
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
