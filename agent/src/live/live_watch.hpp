#pragma once

#include "core/unique_fd.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <vector>

namespace tether {

/// The inotify adapter: says whether anything under a set of watched files and directories
/// may have changed since it was last asked, so that a daemon's quiet poll need not stat every
/// file of every service to learn that nothing did (issue #22).
///
/// What it cannot promise, and what a caller must do about it:
/// - inotify is not recursive: every directory whose entries matter (and every file whose
///   content matters) must be in the set. A directory's watch reports its entries being
///   created, removed, renamed, written or chmod'ed; a file's own watch also reports writes
///   made through another hard link.
/// - the kernel's event queue can overflow (IN_Q_OVERFLOW, /proc/sys/fs/inotify/
///   max_queued_events): changed() then says true, and the caller probes everything.
/// - a watch can be refused (ENOSPC past /proc/sys/fs/inotify/max_user_watches, EACCES):
///   watch() then says the set is incomplete, and the caller must not rely on changed() for it.
/// - writes through a shared mmap raise no event. Nothing tether vouches for is written that
///   way by tether; the caller's periodic full probe bounds how long such a write goes unseen.
/// A path watched before a change is never missed: the kernel queues the event until
/// changed() reads it. Not thread-safe.
class LiveWatch {
 public:
  LiveWatch();

  /// What watch() did.
  struct Update {
    bool complete = false;  ///< every path is watched (false also when inotify is unusable)
    bool added = false;     ///< some path was not watched before (new, or a new inode)
    /// A watch was refused for want of resources (the user's watch limit, kernel memory) or
    /// inotify is unusable, rather than because a path vanished meanwhile.
    bool limited = false;
  };

  /// Watches exactly `paths` from now on (directories and files alike), dropping the watches
  /// of paths no longer listed. A change made to a path before its watch was added is not
  /// reported: when `added`, the caller must look at the paths once more after this call.
  /// `paths` lists every directory above a path (up to the first) before the path itself: a
  /// path that does not exist is skipped, its creation being an entry change in one of them.
  [[nodiscard]] Update watch(const std::vector<std::filesystem::path>& paths);

  /// Reads every event queued since the previous call: true when any could be a change (or
  /// the queue overflowed, or inotify is unusable), false when nothing happened.
  [[nodiscard]] bool changed();

  /// How many paths are watched (distinct inodes), for tests and logs.
  [[nodiscard]] size_t watched() const { return m_watches.size(); }

 private:
  UniqueFd m_fd;
  std::set<int> m_watches;  ///< watch descriptors in use
  /// Descriptors this object removed: the kernel's IN_IGNORED for them is not a change.
  std::set<int> m_removed;
};

}  // namespace tether
