#pragma once

#include "core/unique_fd.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tether {

/// Whose probe a change to a watched path can change (issue #22: a change to one service of
/// a hundred re-probes that one).
enum class WatchScope {
  host,             ///< any service's (the root: a services or state dir replaced)
  service,          ///< `WatchedPath::service`'s only (its dir, releases, records, files)
  service_entries,  ///< a dir of service dirs: a change to its entry `x` is service `x`'s
  plan_inputs,      ///< no probe's, but what a pass reads besides (history, holds)
};

/// One path to watch and whose change a change to it is.
struct WatchedPath {
  // Implicit: a bare path is the whole host's, the safe default.
  WatchedPath(std::filesystem::path path_,  // NOLINT(google-explicit-constructor)
              WatchScope scope_ = WatchScope::host,
              std::string service_ = {})
      : path(std::move(path_)), scope(scope_), service(std::move(service_)) {}
  std::filesystem::path path;
  WatchScope scope;
  std::string service;  ///< for WatchScope::service
};

/// What the events read by LiveWatch::changed() may have changed.
struct LiveChanges {
  bool any = false;   ///< something happened (a pass that reuses the last must see nothing)
  bool host = false;  ///< something no one service owns, or events were lost: probe all
  std::set<std::string> services;  ///< services whose watched paths changed
  explicit operator bool() const { return any; }
};

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
    /// Of those added paths, the services whose probe they feed, and whether one fed every
    /// service's (WatchScope::host or service_entries): a change made before its watch was
    /// added is seen by no queue, so these must be looked at once more.
    std::set<std::string> added_services;
    bool added_host = false;
    /// A watch was refused for want of resources (the user's watch limit, kernel memory) or
    /// inotify is unusable, rather than because a path vanished meanwhile.
    bool limited = false;
  };

  /// Watches exactly `paths` from now on (directories and files alike), dropping the watches
  /// of paths no longer listed. A change made to a path before its watch was added is not
  /// reported: when `added`, the caller must look at the paths once more after this call.
  /// `paths` lists every directory above a path (up to the first) before the path itself: a
  /// path that does not exist is skipped, its creation being an entry change in one of them.
  /// A path listed twice under different scopes is the host's.
  [[nodiscard]] Update watch(const std::vector<WatchedPath>& paths);

  /// watch() for the paths of `services` alone (all of scope `service`, of those services):
  /// replaces the watches those services had and keeps every other as it is (issue #22: after
  /// a pass that probed one service of a hundred, re-adding the other 99's paths costs more
  /// than the rest of the pass).
  [[nodiscard]] Update watch_services(const std::vector<WatchedPath>& paths,
                                      const std::set<std::string>& services);

  /// Reads every event queued since the previous call and says whose probe it may have
  /// changed: nothing when nothing happened; `host` when the queue overflowed, cannot be read
  /// or inotify is unusable.
  [[nodiscard]] LiveChanges changed();

  /// How many paths are watched (distinct inodes), for tests and logs.
  [[nodiscard]] size_t watched() const { return m_watches.size(); }

 private:
  struct Owner {
    WatchScope scope = WatchScope::host;
    std::string service;
    bool operator==(const Owner&) const = default;
  };
  /// Watches `paths` on top of `wanted` (kept watches) and drops every other.
  [[nodiscard]] Update replace(std::map<int, Owner> wanted, const std::vector<WatchedPath>& paths);
  /// Whose the watch `wd` is (in use, or dropped by the last watch()); nullptr: no one's.
  [[nodiscard]] const Owner* owner_of(int wd) const;
  /// Adds what an event on `owner`'s watch (`name`: the entry it names, if any) changed.
  static void attribute(const Owner& owner, std::string_view name, LiveChanges& changes);

  UniqueFd m_fd;
  std::map<int, Owner> m_watches;  ///< watch descriptors in use, by whose change they report
  /// Those the last watch() dropped: events queued before it are still their owners'.
  std::map<int, Owner> m_retired;
  bool m_complete = false;  ///< the last watch() or watch_services() watched every path
  /// Descriptors this object removed: the kernel's IN_IGNORED for them is not a change.
  std::set<int> m_removed;
};

}  // namespace tether
