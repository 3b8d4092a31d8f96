#pragma once

#include "core/result.hpp"
#include "live/file_stamp.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>

namespace tether {

/// A digest computed by whoever read the file (the release installer, as it verified it),
/// with the stamp the file had while it was read: handed to HashCache::vouch so that the probe
/// after an install does not read the same bytes again (issue #22).
struct VouchedDigest {
  std::filesystem::path path;
  FileStamp identity;
  std::string sha256;
};

/// SHA-256 of files, remembered by what stat(2) says about them (device, inode, size, mtime,
/// ctime): a daemon polling every few seconds does not re-read a large binary that has not
/// changed, yet any write, replace or chmod-and-touch is noticed (ctime cannot be set back).
///
/// With a store file the digests also outlive the process: `tether run --once` from cron and
/// `tether status` would otherwise read every release file again (seconds for a 1 GiB binary).
/// The store is only a cache: an unreadable or corrupt one is ignored, never an error.
class HashCache {
 public:
  HashCache() = default;
  /// Starts from the digests saved in `store` (if any); save() writes them back.
  explicit HashCache(std::filesystem::path store);

  /// The file's digest, from the cache when its stat identity is unchanged.
  [[nodiscard]] Result<std::string> sha256(const std::filesystem::path& path);
  /// Takes `vouched`'s digest as the file's, as if computed here, while the file at its path
  /// still has the stamp it had when it was read (any write, replace or chmod since changes
  /// the stamp, and then the next lookup reads the file). False when it does not.
  bool vouch(const VouchedDigest& vouched);
  /// How many digests were computed by reading the file (for tests and metrics).
  [[nodiscard]] size_t files_hashed() const { return m_files_hashed; }

  /// Forgets the files not looked up since the previous call (releases pruned or replaced), so
  /// the cache holds what is installed now rather than everything ever installed (unless
  /// nothing was looked up at all); then writes the store atomically if anything changed. A
  /// failed write is returned for logging only.
  Status retain_used_and_save();
  /// Writes the store if anything changed, forgetting nothing: after a pass that probed only
  /// some services, the digests of the others are still what is installed.
  Status save();

 private:
  struct Entry {
    FileStamp identity;
    std::string digest;
    bool used = false;  ///< looked up since the last retain_used_and_save()
  };
  void load();

  std::optional<std::filesystem::path> m_store;
  std::map<std::string, Entry> m_entries;
  size_t m_files_hashed = 0;
  bool m_changed = false;  ///< entries differ from the store
};

}  // namespace tether
