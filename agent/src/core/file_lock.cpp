#include "core/file_lock.hpp"

#include "core/files.hpp"

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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

std::optional<std::string> lock_holder(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  // /proc/locks, not a probing flock(): taking even a shared lock for an instant could make an
  // agent starting at that moment refuse to run.
  // Lines read "1: FLOCK  ADVISORY  WRITE 1234 fe:01:5678 0 EOF" (pid, then maj:min:inode).
  std::ifstream locks("/proc/locks");
  char device[40];
  std::snprintf(device,
                sizeof device,
                "%02x:%02x:%lu",
                major(st.st_dev),
                minor(st.st_dev),
                static_cast<unsigned long>(st.st_ino));
  for (std::string line; std::getline(locks, line);) {
    std::istringstream in(line);
    std::string index, kind, mode, access, pid, where;
    in >> index >> kind >> mode >> access >> pid >> where;
    if (kind == "FLOCK" && where == device) return pid;
  }
  return std::nullopt;
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing releases the flock
}

}  // namespace tether
