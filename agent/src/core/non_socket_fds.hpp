#pragma once

#include "core/unique_fd.hpp"

#include <vector>

namespace tether {

/// A descriptor held open for long that is known not to be a socket (a pidfd, an epoll set),
/// registered while open so that StallWatchdog's scan of /proc/self/fd skips it instead of
/// fstat'ing it: with one pidfd per running service, that scan made every Git call (a quiet
/// poll's ls-remote included) cost more with each service on the host (issue #22).
/// Unregistered before it is closed, so a number the kernel hands out again is never skipped.
///
/// It is also moved up to non_socket_fd_floor() or above (when the process may open that many):
/// /proc/self/fd lists descriptors in ascending order, so the scan of a Git call's start can
/// stop there instead of listing a pidfd per service only to skip it.
class NonSocketFd {
 public:
  NonSocketFd() = default;
  explicit NonSocketFd(int fd);
  ~NonSocketFd() { reset(); }
  NonSocketFd(NonSocketFd&& other) noexcept = default;
  NonSocketFd& operator=(NonSocketFd&& other) noexcept;
  NonSocketFd(const NonSocketFd&) = delete;
  NonSocketFd& operator=(const NonSocketFd&) = delete;

  [[nodiscard]] int get() const { return m_fd.get(); }
  [[nodiscard]] bool valid() const { return m_fd.valid(); }
  void reset();

 private:
  UniqueFd m_fd;
};

/// The descriptors registered now, indexed by number (true: registered). Thread-safe.
[[nodiscard]] std::vector<bool> registered_non_socket_fds();

/// Where NonSocketFd moves its descriptors: half the process's soft RLIMIT_NOFILE, at most
/// 1024, far above what it otherwise keeps open; 0 when that limit is too low to move them.
[[nodiscard]] int non_socket_fd_floor();

}  // namespace tether
