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

LiveWatch::Update LiveWatch::watch(const std::vector<WatchedPath>& paths) {
  return replace({}, paths);
}

LiveWatch::Update LiveWatch::watch_services(const std::vector<WatchedPath>& paths,
                                            const std::set<std::string>& services) {
  std::map<int, Owner> kept;
  for (const auto& [wd, owner] : m_watches) {
    if (owner.scope != WatchScope::service || services.count(owner.service) == 0)
      kept.emplace(wd, owner);
  }
  // What is kept is as complete as when it was watched.
  const bool kept_complete = m_complete;
  Update update = replace(std::move(kept), paths);
  update.complete = update.complete && kept_complete;
  m_complete = update.complete;
  return update;
}

LiveWatch::Update LiveWatch::replace(std::map<int, Owner> wanted,
                                     const std::vector<WatchedPath>& paths) {
  Update update;
  update.limited = !m_fd.valid();
  if (!m_fd.valid()) return update;
  update.complete = true;
  for (const WatchedPath& watched : paths) {
    // The same inode answers with the descriptor it already has; a replaced file (a new
    // inode at the same path) gets a new one, so it counts as added.
    const int wd = ::inotify_add_watch(m_fd.get(), watched.path.c_str(), k_change_mask);
    // Gone (or never there): the caller lists every directory above a path before it, so its
    // removal or creation is an entry change in one of them, watched or newly added.
    if (wd < 0 && (errno == ENOENT || errno == ENOTDIR)) continue;
    if (wd < 0) {
      update.complete = false;
      update.limited = update.limited || errno == ENOSPC || errno == ENOMEM;
      continue;
    }
    const Owner owner{watched.scope, watched.scope == WatchScope::service ? watched.service : ""};
    // One inode under two owners (a hard link across services): its change is the host's.
    const auto [at, inserted] = wanted.emplace(wd, owner);
    if (!inserted && !(at->second == owner)) at->second = Owner{};
    if (m_watches.count(wd) != 0) continue;
    update.added = true;
    if (owner.scope == WatchScope::service) update.added_services.insert(owner.service);
    if (owner.scope == WatchScope::host || owner.scope == WatchScope::service_entries)
      update.added_host = true;
  }
  m_retired.clear();
  for (const auto& [wd, owner] : m_watches) {
    if (wanted.count(wd) != 0) continue;
    // Events still queued for it (a pruned release's deletion) are its owner's.
    m_retired.emplace(wd, owner);
    // Fails (EINVAL) for a watch the kernel dropped already (its inode was deleted).
    if (::inotify_rm_watch(m_fd.get(), wd) == 0) m_removed.insert(wd);
  }
  m_watches = std::move(wanted);
  m_complete = update.complete;
  return update;
}

const LiveWatch::Owner* LiveWatch::owner_of(int wd) const {
  for (const auto* watches : {&m_watches, &m_retired}) {
    const auto it = watches->find(wd);
    if (it != watches->end()) return &it->second;
  }
  return nullptr;
}

void LiveWatch::attribute(const Owner& owner, std::string_view name, LiveChanges& changes) {
  switch (owner.scope) {
    case WatchScope::service:
      changes.services.insert(owner.service);
      return;
    case WatchScope::service_entries:
      // An entry of the services dir is a service's dir; the dir's own events are the host's.
      if (!name.empty()) {
        changes.services.emplace(name);
        return;
      }
      break;
    case WatchScope::plan_inputs:
      return;  // every pass that probes reads them again
    case WatchScope::host:
      break;
  }
  changes.host = true;
}

LiveChanges LiveWatch::changed() {
  LiveChanges changes;
  const auto everything = [&changes] {
    changes.any = changes.host = true;
    return changes;
  };
  if (!m_fd.valid()) return everything();
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    const ssize_t got = ::read(m_fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) return changes;
    if (got <= 0) return everything();  // an error reading the queue: assume the worst
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if ((event->mask & IN_IGNORED) != 0 && m_removed.erase(event->wd) != 0) continue;
      changes.any = true;
      // IN_Q_OVERFLOW (wd -1) lost events, and an unknown descriptor is no one's: whatever
      // they were, they may be anyone's.
      const Owner* owner = owner_of(event->wd);
      if (owner == nullptr) {
        changes.host = true;
        continue;
      }
      attribute(*owner, event->len > 0 ? std::string_view(event->name) : "", changes);
    }
  }
}

}  // namespace tether
