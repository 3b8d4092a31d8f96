#include "net/stall_watchdog.hpp"

#include "core/non_socket_fds.hpp"
#include "core/termination.hpp"
#include "core/unique_fd.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <condition_variable>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <limits>
#include <mutex>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tether {
namespace {

constexpr std::chrono::milliseconds k_tick{100};

/// /proc/self/fd, opened once: a procfs directory lists the descriptors open at the time of each
/// read, so rewinding it is as good as opening it again, without the path walk on every poll.
struct ProcFdDir {
  std::mutex mutex;
  UniqueFd dir{::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
};

ProcFdDir& proc_fd_dir() {
  static ProcFdDir instance;
  return instance;
}

/// Which descriptors for_each_socket() looks at: all of them, or those below
/// non_socket_fd_floor() (/proc lists numbers in ascending order, so the pidfds up there are
/// not even listed).
enum class Scan { all, below_floor };

/// Calls `each(fd, inode)` for every socket this process has open, as far as `scan` goes.
/// Descriptors registered as no socket are not looked at. Read with getdents64 into a buffer on the
/// stack, a few entries at a time: opendir() allocates 32 KiB on every call, and this runs on every
/// poll.
template <typename Each>
void for_each_socket(Scan scan, Each each) {
  const std::vector<bool> skip = registered_non_socket_fds();
  const long floor = scan == Scan::below_floor && non_socket_fd_floor() > 0
                         ? non_socket_fd_floor()
                         : std::numeric_limits<long>::max();
  ProcFdDir& proc = proc_fd_dir();
  std::lock_guard lock(proc.mutex);
  if (!proc.dir.valid() || ::lseek(proc.dir.get(), 0, SEEK_SET) != 0) return;
  alignas(dirent64) char buffer[512];
  for (;;) {
    const long length = ::syscall(SYS_getdents64, proc.dir.get(), buffer, sizeof buffer);
    if (length <= 0) return;
    for (long at = 0; at < length;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + at);
      at += entry->d_reclen;
      char* end = nullptr;
      const long fd = std::strtol(entry->d_name, &end, 10);
      if (end == entry->d_name || *end != '\0' || fd == proc.dir.get()) continue;
      if (fd >= floor) return;
      if (static_cast<size_t>(fd) < skip.size() && skip[static_cast<size_t>(fd)]) continue;
      struct stat st {};
      if (::fstat(static_cast<int>(fd), &st) == 0 && S_ISSOCK(st.st_mode)) {
        each(static_cast<int>(fd), static_cast<unsigned long>(st.st_ino));
      }
    }
  }
}

int peer_port(int fd) {
  sockaddr_storage peer{};
  socklen_t length = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return -1;
  if (peer.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
  if (peer.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port);
  return -1;
}

}  // namespace

/// The one thread that looks at every live watchdog's clock, every tick while any is
/// registered, and sleeps otherwise. A watchdog leaves under the same lock the checks run under,
/// so none is looked at after its destructor returned.
class StallWatcher {
 public:
  static StallWatcher& instance() {
    static StallWatcher watcher;
    return watcher;
  }
  StallWatcher(const StallWatcher&) = delete;
  StallWatcher& operator=(const StallWatcher&) = delete;

  void add(StallWatchdog* watchdog) {
    {
      std::lock_guard lock(m_mutex);
      m_watchdogs.push_back(watchdog);
      if (!m_thread.joinable()) m_thread = std::thread([this] { watch(); });
    }
    m_wake.notify_all();
  }

  void remove(StallWatchdog* watchdog) {
    std::lock_guard lock(m_mutex);
    std::erase(m_watchdogs, watchdog);
  }

 private:
  StallWatcher() = default;
  ~StallWatcher() {
    {
      std::lock_guard lock(m_mutex);
      m_done = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
  }

  void watch() {
    std::unique_lock lock(m_mutex);
    while (!m_done) {
      if (m_watchdogs.empty()) {
        m_wake.wait(lock, [this] { return m_done || !m_watchdogs.empty(); });
        continue;
      }
      if (m_wake.wait_for(lock, k_tick, [this] { return m_done; })) return;
      const StallWatchdog::Clock::time_point now = StallWatchdog::Clock::now();
      for (StallWatchdog* watchdog : m_watchdogs) watchdog->check(now);
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::vector<StallWatchdog*> m_watchdogs;
  bool m_done = false;
  std::thread m_thread;
};

StallWatchdog::StallWatchdog(int port, Millis idle, std::optional<Clock::time_point> deadline)
    : m_port(port),
      m_idle(idle),
      m_deadline(deadline),
      m_last_activity(Clock::now().time_since_epoch().count()) {
  // Up to the floor only: a socket above it (a process with hundreds of descriptors open)
  // counts as opened by the call, and is cut with it if it is connected to the same port.
  for_each_socket(Scan::below_floor,
                  [&](int, unsigned long inode) { m_sockets_before.insert(inode); });
  StallWatcher::instance().add(this);
}

StallWatchdog::~StallWatchdog() { StallWatcher::instance().remove(this); }

void StallWatchdog::activity() { m_last_activity = Clock::now().time_since_epoch().count(); }

void StallWatchdog::check(Clock::time_point now) {
  const Clock::time_point last{Clock::duration(m_last_activity.load())};
  StallReason reason = StallReason::none;
  if (termination_requested()) {
    reason = StallReason::stopping;
  } else if (now - last >= m_idle || (m_deadline && now >= *m_deadline)) {
    reason = StallReason::timed_out;
  }
  if (reason == StallReason::none) return;
  if (m_reason == StallReason::none) m_reason = reason;
  // Again on every tick: the library may open another connection after the first one failed.
  cut_sockets();
}

void StallWatchdog::cut_sockets() const {
  if (m_port <= 0) return;
  // Only sockets opened since the call started and connected to the server's port: the API
  // server's connections and any other fetch in flight stay untouched.
  for_each_socket(Scan::all, [&](int fd, unsigned long inode) {
    if (m_sockets_before.count(inode) == 0 && peer_port(fd) == m_port) {
      ::shutdown(fd, SHUT_RDWR);
    }
  });
}

}  // namespace tether
