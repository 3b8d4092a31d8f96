#include "core/non_socket_fds.hpp"

#include <mutex>

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

}  // namespace

NonSocketFd::NonSocketFd(int fd) : m_fd(fd) { mark(fd, true); }

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
