#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace tether {

/// An exclusive flock(2) held for the object's lifetime: one agent per root. The lock file
/// holds the owner's pid so the error can name it.
class FileLock {
 public:
  /// Fails at once (no waiting) when another process holds the lock.
  [[nodiscard]] static Result<FileLock> acquire(const std::filesystem::path& path);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

/// The pid of the process holding the flock on `path` (from /proc/locks), or nullopt when
/// nobody holds it. Never takes the lock itself.
[[nodiscard]] std::optional<std::string> lock_holder(const std::filesystem::path& path);

}  // namespace tether
