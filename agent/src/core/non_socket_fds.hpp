#pragma once

#include "core/unique_fd.hpp"

#include <vector>

namespace tether {

/// A descriptor held open for long that is known not to be a socket (a pidfd, an epoll set),
/// registered while open so that StallWatchdog's scan of /proc/self/fd skips it instead of
/// fstat'ing it: with one pidfd per running service, that scan made every Git call (a quiet
/// poll's ls-remote included) cost more with each service on the host (issue #22).
/// Unregistered before it is closed, so a number the kernel hands out again is never skipped.
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

}  // namespace tether
