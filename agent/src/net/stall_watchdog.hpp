#pragma once

#include "core/duration.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <set>

namespace tether {

/// Why a watched network operation was cut short.
enum class StallReason { none, timed_out, stopping };

/// Puts a deadline on a blocking library call (libgit2's connect, ls-remote, fetch, push) that
/// offers no timeout of its own: a thread watches the clock and the agent's termination flag,
/// and when the server has been silent for `idle` (or the overall `deadline` passed, or SIGTERM
/// is pending) it shuts down the sockets the call opened to `port`. The blocked recv() returns
/// at once and the library fails with an error the caller replaces by reason().
///
/// One thread of the process watches every watchdog (a poll every few seconds would otherwise
/// create and join a thread each time).
class StallWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  /// Starts watching. `port` is the server's TCP port (0: a local transport, nothing to cut).
  StallWatchdog(int port, Millis idle, std::optional<Clock::time_point> deadline);
  ~StallWatchdog();
  StallWatchdog(const StallWatchdog&) = delete;
  StallWatchdog& operator=(const StallWatchdog&) = delete;

  /// The server answered (bytes, progress): the idle time starts again.
  void activity();
  /// Why the call was cut short; none while it was not.
  [[nodiscard]] StallReason reason() const { return m_reason.load(); }
  /// The idle limit, for messages.
  [[nodiscard]] Millis idle() const { return m_idle; }

 private:
  friend class StallWatcher;
  /// One look at the clock, from the watching thread.
  void check(Clock::time_point now);
  void cut_sockets() const;

  int m_port;
  Millis m_idle;
  std::optional<Clock::time_point> m_deadline;
  std::set<unsigned long> m_sockets_before;  ///< inodes of sockets open before the call
  std::atomic<Clock::rep> m_last_activity;
  std::atomic<StallReason> m_reason{StallReason::none};
};

}  // namespace tether
