#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"
#include "health/notify_socket.hpp"
#include "health/notify_state.hpp"
#include "health/probe.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace tether {

/// The main pid of an exec service as its pid file says, while that process runs.
using MainPidLookup = std::function<std::optional<pid_t>(const std::string& service)>;

/// The agent's NOTIFY_SOCKETs, one per exec service at `<service>/run/notify.sock`, and what
/// each service's main process said on it, for the notify probe (health gate and health watch;
/// thread-safe).
///
/// A thread of its own reads the sockets as datagrams come (poll(2)): the kernel queues only
/// net.unix.max_dgram_qlen datagrams (10 by default) and sd_notify(3)'s send blocks when the
/// queue is full, so a socket left unread during a long pass (the health watch paused, the
/// daemon loop not waiting) would stall the service's own main loop. A probe also reads what
/// is queued before it judges.
///
/// Only the main process counts (systemd's NotifyAccess=main): a datagram whose sender pid
/// (from the kernel, SO_PASSCRED) is not the pid in the service's pid file is ignored.
class NotifySockets {
 public:
  NotifySockets(Layout layout, MainPidLookup main_pid);
  ~NotifySockets();
  NotifySockets(const NotifySockets&) = delete;
  NotifySockets& operator=(const NotifySockets&) = delete;

  /// Before `service` is started: a fresh socket (the old process's state forgotten) and the
  /// environment the new process gets: NOTIFY_SOCKET, and WATCHDOG_USEC when `watchdog_sec`.
  [[nodiscard]] Result<StringMap> prepare(const std::string& service, int watchdog_sec);

  /// Reads what is queued and judges the service (judge_notify). A service this agent did not
  /// start (it adopted it after a restart) gets its socket bound again here and counts as ready
  /// with its watchdog clock restarted now.
  [[nodiscard]] ProbeResult check(const std::string& service, int watchdog_sec);

  /// After a failed socket hand-off gate (socket_handoff_switch.cpp): the candidate that was
  /// prepared for is gone and the process that served all along is the main one again; it
  /// passed its gate earlier, so it is judged as adopted (ready, watchdog clock restarted now)
  /// rather than as a new process that has yet to say READY=1.
  void adopt(const std::string& service);

  /// Where `service`'s socket is.
  [[nodiscard]] std::filesystem::path socket_path(const std::string& service) const;

 private:
  struct Channel {
    NotifySocket socket;
    pid_t pid = 0;  ///< the main process the state is about; 0 until the first check
    NotifyState state;
    bool warned = false;  ///< a datagram from another process was logged already
    /// Read before the pid file named the main process (a READY=1 sent right after the spawn),
    /// judged once it does; bounded.
    std::vector<NotifyDatagram> unattributed = {};
  };
  /// Installs `channel` for `service` (m_mutex held): the one it replaces is closed by the
  /// reader thread, which may be polling it; the thread is started on first use.
  void install(const std::string& service, Channel channel);
  /// Reads what is queued and counts what the main process sent (m_mutex held). `pid`: the main
  /// pid when the caller knows it, else looked up if there is something to count.
  void drain(const std::string& service, Channel& channel, std::optional<pid_t> pid);
  void count(const std::string& service, Channel& channel, const NotifyDatagram& datagram);
  void wake_reader();
  void read_until_stopped();

  Layout m_layout;
  MainPidLookup m_main_pid;
  std::mutex m_mutex;
  std::map<std::string, Channel> m_channels;
  std::vector<NotifySocket> m_retired;  ///< replaced sockets, closed by the reader thread
  bool m_stopping = false;
  int m_wake_fd = -1;  ///< eventfd: the set of sockets changed, or stop
  std::thread m_reader;
};

/// The notify probe: `release_dir` names the service (`<root>/services/<name>/releases/<dir>`).
[[nodiscard]] ProbeResult probe_notify(const NotifyProbe& probe,
                                       const std::filesystem::path& release_dir,
                                       NotifySockets* sockets);

}  // namespace tether
