#pragma once

#include <filesystem>
#include <optional>
#include <sys/types.h>

namespace tether {

/// What stat(2) says about a file that any write, replace or removal changes: device, inode,
/// size, mtime and ctime (ctime cannot be set back, so a write followed by a touch to the old
/// mtime still shows). Used to keep a parsed file in memory until the file changes.
struct FileStamp {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  long long mtime_ns = 0;
  long long ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

/// The stamp of `path` (symlinks followed), or nullopt when it cannot be stat'ed.
[[nodiscard]] std::optional<FileStamp> stamp_of(const std::filesystem::path& path);
/// The stamp of the file open as `fd`, or nullopt when it cannot be stat'ed.
[[nodiscard]] std::optional<FileStamp> stamp_of_fd(int fd);

}  // namespace tether
