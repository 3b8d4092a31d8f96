#include "core/file_lock.hpp"

#include "core/files.hpp"

#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace tether {

Result<FileLock> FileLock::acquire(const std::filesystem::path& path) {
  if (Status made = make_dirs(path.parent_path()); !made) return made.error();
  // O_CLOEXEC: a service started by this agent must not inherit (and keep holding) the lock.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot open lock " + path.string() + ": " + errno_text(), ""};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buffer[32] = {};
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    ::close(fd);
    const std::string owner = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "unknown";
    return Error{"another tether agent holds " + path.string() + " (pid " +
                     owner.substr(0, owner.find('\n')) + ")",
                 "stop it first, or give this one another --root"};
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only informational; the lock itself is held.
  }
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing releases the flock
}

}  // namespace tether
