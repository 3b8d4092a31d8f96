#include "core/non_socket_fds.hpp"

#include <algorithm>
#include <fcntl.h>
#include <mutex>
#include <sys/resource.h>
#include <unistd.h>

namespace tether {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<bool> fds;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

void mark(int fd, bool registered) {
  if (fd < 0) return;
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  const auto index = static_cast<size_t>(fd);
  if (index >= r.fds.size()) {
    if (!registered) return;
    r.fds.resize(index + 1, false);
  }
  r.fds[index] = registered;
}

/// `fd` moved to non_socket_fd_floor() or above; where it was when there is no room there.
int moved_up(int fd) {
  const int floor = non_socket_fd_floor();
  if (fd < 0 || floor == 0 || fd >= floor) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, floor);
  if (moved < 0) return fd;
  ::close(fd);
  return moved;
}

}  // namespace

int non_socket_fd_floor() {
  static const int floor = [] {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    const rlim_t half = limit.rlim_cur == RLIM_INFINITY ? 1024 : limit.rlim_cur / 2;
    // The kernel sizes the descriptor table to the highest number in use: not much higher.
    return half < 256 ? 0 : static_cast<int>(std::min<rlim_t>(half, 1024));
  }();
  return floor;
}

NonSocketFd::NonSocketFd(int fd) : m_fd(moved_up(fd)) { mark(m_fd.get(), true); }

NonSocketFd& NonSocketFd::operator=(NonSocketFd&& other) noexcept {
  if (this != &other) {
    reset();
    m_fd = std::move(other.m_fd);
  }
  return *this;
}

void NonSocketFd::reset() {
  mark(m_fd.get(), false);
  m_fd.reset();
}

std::vector<bool> registered_non_socket_fds() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.fds;
}

}  // namespace tether
