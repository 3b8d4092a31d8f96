#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"
#include "core/unique_fd.hpp"

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace tether {

/// How open_file() resolves a path below the dir: with openat2(RESOLVE_BENEATH |
/// RESOLVE_NO_SYMLINKS) when the kernel has it (Linux 5.6+), else by the same component walk
/// every write uses. Both refuse a symlink anywhere on the path; `walk` exists for tests.
enum class Resolve { kernel_if_available, walk };

/// A directory the agent created itself, written only through descriptors, so that nothing an
/// artifact put inside (a symlink, a hard link, a `.` entry that is a link) can redirect a
/// write outside it or onto a file it does not own:
/// - a path is relative; `.` components are skipped, `..` and absolute paths refused;
/// - every directory on the way is opened with O_NOFOLLOW: a symlink on the path is an error,
///   never followed;
/// - a file is always created anew (O_CREAT | O_EXCL | O_NOFOLLOW): an existing file or link of
///   that name is unlinked first, so writing never changes another name's inode (a hard link
///   to the pinned binary stays the binary).
/// Errors name the dir and the relative path.
class ConfinedDir {
 public:
  /// Creates `parent/name` anew, private (0700) until seal(), and opens it. A leftover of that
  /// name (a crashed install) is removed first.
  [[nodiscard]] static Result<ConfinedDir> create_fresh(const fs::path& parent,
                                                        const std::string& name);
  /// Opens an existing directory; `path`'s last component must not be a symlink.
  [[nodiscard]] static Result<ConfinedDir> open(const fs::path& path);

  [[nodiscard]] const fs::path& path() const { return m_path; }
  [[nodiscard]] int fd() const { return m_fd.get(); }

  /// Creates `relative` and its missing parents as directories (0755); existing ones stay.
  [[nodiscard]] Status make_dirs(const std::string& relative) const;
  /// A new, empty regular file at `relative` (mode 0600, parents created), open for writing.
  [[nodiscard]] Result<UniqueFd> create_file(const std::string& relative) const;
  /// create_file, write all of `content`, fsync, then chmod to `mode`.
  [[nodiscard]] Status write_file(const std::string& relative,
                                  std::string_view content,
                                  mode_t mode) const;
  /// A symlink at `relative` with `target` as its text (not checked here).
  [[nodiscard]] Status make_symlink(const std::string& relative, const std::string& target) const;
  /// A hard link at `relative` to the existing regular file `existing` (both below the dir).
  [[nodiscard]] Status make_hard_link(const std::string& relative,
                                      const std::string& existing) const;
  /// Opens the regular file at `relative` for reading, refusing symlinks on the way.
  [[nodiscard]] Result<UniqueFd> open_file(const std::string& relative,
                                           Resolve resolve = Resolve::kernel_if_available) const;
  /// Opens the directory at `relative` (no symlinks on the way, nothing created).
  [[nodiscard]] Result<UniqueFd> open_dir(const std::string& relative) const;
  /// Opens the directory holding `relative`'s last component; `name` receives that component.
  [[nodiscard]] Result<UniqueFd> open_parent(const std::string& relative,
                                             bool create,
                                             std::string& name) const;
  /// The dir itself becomes 0755 (readable by the service's user) once it is complete.
  [[nodiscard]] Status seal() const;

 private:
  ConfinedDir(fs::path path, UniqueFd fd) : m_path(std::move(path)), m_fd(std::move(fd)) {}
  [[nodiscard]] Error failure(const std::string& relative, const std::string& what) const;

  fs::path m_path;
  UniqueFd m_fd;
};

/// The components of a relative path, without empty and `.` ones; an error for absolute paths
/// and `..`. An empty result means the dir itself.
[[nodiscard]] Result<std::vector<std::string>> confined_components(const std::string& relative);

}  // namespace tether
