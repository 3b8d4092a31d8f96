#include "live/probe_cache.hpp"

#include "core/retain_used.hpp"
#include "live/serving_record.hpp"

#include <array>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace tether {
namespace {

/// glibc 2.36's <sys/pidfd.h> lacks the C linkage its C++ callers need: the raw syscall.
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

enum class Watch { running, exited, unknown };

/// A pidfd polls readable once its process has exited (a zombie included).
Watch watch(const NonSocketFd& pidfd) {
  pollfd entry{pidfd.get(), POLLIN, 0};
  const int ready = ::poll(&entry, 1, 0);
  if (ready < 0) return Watch::unknown;
  return ready == 0 ? Watch::running : Watch::exited;
}

}  // namespace

template <typename T, typename Read>
const T& ProbeCache::lookup(std::map<std::string, Parsed<T>>& entries,
                            const fs::path& path,
                            Read read) {
  // Stat before reading: a change between the two leaves an old stamp on new content, which
  // costs one more read at the next poll, never a stale value.
  const std::optional<FileStamp> stamp = stamp_of(path);
  const std::string key = path.string();
  auto it = entries.find(key);
  if (it != entries.end() && it->second.stamp == stamp) {
    it->second.used = true;
    return it->second.value;
  }
  ++m_files_parsed;
  Parsed<T> parsed{stamp, read(), true};
  if (it != entries.end()) {
    it->second = std::move(parsed);
    return it->second.value;
  }
  return entries.emplace(key, std::move(parsed)).first->second.value;
}

const Result<ReleaseRecord>& ProbeCache::release_record(const fs::path& release_dir) {
  return lookup(m_releases, release_dir / k_release_record, [&release_dir] {
    return read_release_record(release_dir);
  });
}

const Result<ReleaseRecord>* ProbeCache::parsed_release_record(const fs::path& release_dir) const {
  const auto it = m_releases.find((release_dir / k_release_record).string());
  return it == m_releases.end() ? nullptr : &it->second.value;
}

std::optional<ProcessRecord> ProbeCache::process_record(const fs::path& pid_file) {
  return lookup(m_processes, pid_file, [&pid_file] { return read_process_record(pid_file); });
}

std::optional<ServingRecord> ProbeCache::serving_record(const Layout& layout,
                                                        const std::string& service) {
  return lookup(m_serving, serving_record_path(layout, service), [&layout, &service] {
    return read_serving_record(layout, service);
  });
}

bool ProbeCache::alive(const ProcessRecord& record, const std::string& service) {
  if (record.pid <= 0) return false;
  auto it = m_watched.find(record.pid);
  if (it != m_watched.end() && it->second.start_time == record.start_time) {
    it->second.used = true;
    const Watch seen = watch(it->second.pidfd);
    if (seen == Watch::running) return true;
    m_watched.erase(it);
    if (seen == Watch::exited) {
      ::waitpid(record.pid, nullptr, WNOHANG);  // an exited child of ours reads as gone
      return false;
    }
  } else if (it != m_watched.end()) {
    m_watched.erase(it);
  }
  if (!is_alive(record)) return false;
  NonSocketFd pidfd(open_pidfd(record.pid));
  // Opened after the /proc check: kept only if the pid still names the process that started
  // at the recorded time (it may have exited and the pid been reused in between). Without a
  // pidfd (old kernel, out of descriptors) the next poll asks /proc again.
  if (pidfd.valid() && process_start_time(record.pid) == record.start_time &&
      watch_exit(pidfd.get(), record.pid))
    m_watched.emplace(record.pid, Watched{record.start_time, std::move(pidfd), service, true});
  else
    m_unwatched_alive = true;
  return true;
}

bool ProbeCache::watch_exit(int pidfd, pid_t pid) {
  if (!m_exits.valid()) m_exits = NonSocketFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!m_exits.valid()) return false;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = static_cast<uint64_t>(pid);
  return ::epoll_ctl(m_exits.get(), EPOLL_CTL_ADD, pidfd, &event) == 0;
}

std::optional<std::set<std::string>> ProbeCache::exited_services() const {
  if (m_last_probe_unwatched) return std::nullopt;
  std::set<std::string> exited;
  if (m_watched.empty()) return exited;
  // Level-triggered: an exited process stays readable until a probe forgets it. On the stack:
  // a heap buffer the size of every watched process cost more than the wait on a quiet poll.
  // More exits than it holds is not worth telling apart from "unknown": everything is probed.
  std::array<epoll_event, 64> events{};
  const int ready = ::epoll_wait(m_exits.get(), events.data(), static_cast<int>(events.size()), 0);
  if (ready < 0 || ready == static_cast<int>(events.size())) return std::nullopt;
  for (int i = 0; i < ready; ++i) {
    const auto it = m_watched.find(static_cast<pid_t>(events[i].data.u64));
    if (it == m_watched.end() || it->second.service.empty()) return std::nullopt;
    exited.insert(it->second.service);
  }
  return exited;
}

void ProbeCache::retain_used_of(const std::set<std::string>& services) {
  m_last_probe_unwatched = m_last_probe_unwatched || m_unwatched_alive;
  m_unwatched_alive = false;
  for (auto it = m_watched.begin(); it != m_watched.end();) {
    if (services.count(it->second.service) == 0) {
      ++it;
    } else if (!it->second.used) {
      it = m_watched.erase(it);
    } else {
      it->second.used = false;
      ++it;
    }
  }
}

void ProbeCache::retain_used() {
  m_last_probe_unwatched = m_unwatched_alive;
  m_unwatched_alive = false;
  tether::retain_used(m_releases);
  tether::retain_used(m_processes);
  tether::retain_used(m_serving);
  tether::retain_used(m_watched);
}

}  // namespace tether
