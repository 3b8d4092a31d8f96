#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <sys/types.h>

namespace tether {

/// SHA-256 of files, remembered by what stat(2) says about them (device, inode, size, mtime,
/// ctime): a daemon polling every few seconds does not re-read a large binary that has not
/// changed, yet any write, replace or chmod-and-touch is noticed. In memory only.
class HashCache {
 public:
  /// The file's digest, from the cache when its stat identity is unchanged.
  [[nodiscard]] Result<std::string> sha256(const std::filesystem::path& path);
  /// How many digests were computed by reading the file (for tests and metrics).
  [[nodiscard]] size_t files_hashed() const { return m_files_hashed; }

 private:
  struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    long long mtime_ns = 0;
    long long ctime_ns = 0;
    bool operator==(const Identity&) const = default;
  };
  struct Entry {
    Identity identity;
    std::string digest;
  };
  std::map<std::string, Entry> m_entries;
  size_t m_files_hashed = 0;
};

}  // namespace tether
