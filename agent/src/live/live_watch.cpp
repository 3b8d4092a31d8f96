#include "live/live_watch.hpp"

#include <cerrno>
#include <sys/inotify.h>
#include <unistd.h>

namespace tether {
namespace {

/// Everything that changes what a directory holds or what a file says. Reads (IN_ACCESS,
/// IN_OPEN, IN_CLOSE_NOWRITE) are left out: the probe's own reads and the services' exec of
/// their binaries must not look like changes.
constexpr uint32_t k_change_mask = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM |
                                   IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF |
                                   IN_MOVE_SELF;

}  // namespace

LiveWatch::LiveWatch() : m_fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}

LiveWatch::Update LiveWatch::watch(const std::vector<std::filesystem::path>& paths) {
  Update update;
  update.limited = !m_fd.valid();
  if (!m_fd.valid()) return update;
  update.complete = true;
  std::set<int> wanted;
  for (const auto& path : paths) {
    // The same inode answers with the descriptor it already has; a replaced file (a new
    // inode at the same path) gets a new one, so it counts as added.
    const int wd = ::inotify_add_watch(m_fd.get(), path.c_str(), k_change_mask);
    // Gone (or never there): the caller lists every directory above a path before it, so its
    // removal or creation is an entry change in one of them, watched or newly added.
    if (wd < 0 && (errno == ENOENT || errno == ENOTDIR)) continue;
    if (wd < 0) {
      update.complete = false;
      update.limited = update.limited || errno == ENOSPC || errno == ENOMEM;
      continue;
    }
    wanted.insert(wd);
    if (m_watches.count(wd) == 0) update.added = true;
  }
  for (const int wd : m_watches) {
    // Fails (EINVAL) for a watch the kernel dropped already (its inode was deleted).
    if (wanted.count(wd) == 0 && ::inotify_rm_watch(m_fd.get(), wd) == 0) m_removed.insert(wd);
  }
  m_watches = std::move(wanted);
  return update;
}

bool LiveWatch::changed() {
  if (!m_fd.valid()) return true;
  bool changed = false;
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    const ssize_t got = ::read(m_fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) return changed;
    if (got <= 0) return true;  // an error reading the queue: assume the worst
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      // IN_Q_OVERFLOW (wd -1) lost events: whatever they were, something changed.
      if ((event->mask & IN_IGNORED) != 0 && m_removed.erase(event->wd) != 0) continue;
      changed = true;
    }
  }
}

}  // namespace tether
