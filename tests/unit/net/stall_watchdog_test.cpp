// The watchdog cuts a blocked recv() on a connection to a server that never answers.
#include "net/stall_watchdog.hpp"

#include "core/non_socket_fds.hpp"
#include "silent_server.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace tether::stall_watchdog_test {
namespace {

using Clock = std::chrono::steady_clock;

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  return fd;
}

TEST(StallWatchdog, CutsASilentConnectionAfterTheIdleTime) {
  const test::SilentServer silent;
  const StallWatchdog watchdog(silent.port(), Millis(300), std::nullopt);
  const int fd = connect_to(silent.port());
  const auto started = Clock::now();
  char byte = 0;
  EXPECT_EQ(::recv(fd, &byte, 1, 0), 0) << "shut down, not answered";
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(watchdog.reason(), StallReason::timed_out);
  ::close(fd);
}

TEST(StallWatchdog, LeavesConnectionsOpenedBeforeItAlone) {
  const test::SilentServer silent;
  const int before = connect_to(silent.port());
  {
    const StallWatchdog watchdog(silent.port(), Millis(100), std::nullopt);
    const int during = connect_to(silent.port());
    char byte = 0;
    EXPECT_EQ(::recv(during, &byte, 1, 0), 0);
    ::close(during);
  }
  char byte = 0;
  EXPECT_EQ(::recv(before, &byte, 1, MSG_DONTWAIT), -1) << "still open, still waiting";
  EXPECT_EQ(errno, EAGAIN);
  ::close(before);
}

TEST(StallWatchdog, CutsASocketThatTookTheNumberOfADescriptorItSkipped) {
  const test::SilentServer silent;
  // Registered as no socket (as the probe's pidfds are): the scan before the call skips it.
  NonSocketFd skipped(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int number = skipped.get();
  const StallWatchdog watchdog(silent.port(), Millis(200), std::nullopt);
  skipped.reset();
  int fd = connect_to(silent.port());
  // The kernel hands out the lowest free number, but another thread of this process (the
  // watchdog's own scan of /proc/self/fd) may hold it for a moment: move the socket there.
  for (int attempt = 0; fd != number && attempt < 200; ++attempt) {
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, number);
    ::close(fd);
    fd = moved;
    if (fd != number) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(fd, number) << "the socket takes the skipped descriptor's number";
  char byte = 0;
  EXPECT_EQ(::recv(fd, &byte, 1, 0), 0) << "shut down, not answered";
  EXPECT_EQ(watchdog.reason(), StallReason::timed_out);
  ::close(fd);
}

TEST(StallWatchdog, ActivityKeepsItWaiting) {
  const test::SilentServer silent;
  StallWatchdog watchdog(silent.port(), Millis(400), std::nullopt);
  // 800 ms in all, twice the idle limit, but never 400 ms without progress: the pauses are
  // what is measured here, not a wait for something to happen.
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    watchdog.activity();
  }
  EXPECT_EQ(watchdog.reason(), StallReason::none);
}

}  // namespace
}  // namespace tether::stall_watchdog_test
