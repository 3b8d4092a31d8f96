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

namespace tether {

/// The main pid of an exec service as its pid file says, while that process runs.
using MainPidLookup = std::function<std::optional<pid_t>(const std::string& service)>;

/// The agent's NOTIFY_SOCKETs, one per exec service at `<service>/run/notify.sock`, and what
/// each service's main process said on it. No thread of its own: whoever probes (the health
/// gate, the health watch) drains the socket first, so a datagram that came between probes
/// is counted at the next one and never lost (the kernel queues it). Shared by the gate's and
/// the watch's probers (thread-safe).
///
/// Only the main process counts (systemd's NotifyAccess=main): a datagram whose sender pid
/// (from the kernel, SO_PASSCRED) is not the pid in the service's pid file is ignored.
class NotifySockets {
 public:
  NotifySockets(Layout layout, MainPidLookup main_pid);

  /// Before `service` is started: a fresh socket (the old process's state forgotten) and the
  /// environment the new process gets: NOTIFY_SOCKET, and WATCHDOG_USEC when `watchdog_sec`.
  [[nodiscard]] Result<StringMap> prepare(const std::string& service, int watchdog_sec);

  /// Reads what is queued and judges the service (judge_notify). A service this agent did not
  /// start (it adopted it after a restart) gets its socket bound again here and counts as ready
  /// with its watchdog clock restarted now.
  [[nodiscard]] ProbeResult check(const std::string& service, int watchdog_sec);

  /// Where `service`'s socket is.
  [[nodiscard]] std::filesystem::path socket_path(const std::string& service) const;

 private:
  struct Channel {
    NotifySocket socket;
    pid_t pid = 0;  ///< the main process the state is about; 0 until the first check
    NotifyState state;
    bool warned = false;  ///< a datagram from another process was logged already
  };
  void drain(const std::string& service, Channel& channel);

  Layout m_layout;
  MainPidLookup m_main_pid;
  std::mutex m_mutex;
  std::map<std::string, Channel> m_channels;
};

/// The notify probe: `release_dir` names the service (`<root>/services/<name>/releases/<dir>`).
[[nodiscard]] ProbeResult probe_notify(const NotifyProbe& probe,
                                       const std::filesystem::path& release_dir,
                                       NotifySockets* sockets);

}  // namespace tether
