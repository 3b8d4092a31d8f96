#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tether {

/// The largest sd_notify datagram read whole (systemd's own limit, PIPE_BUF); a longer one is
/// dropped, not cut, so a truncated "READY=1..." never counts.
constexpr std::size_t k_notify_datagram_max = 4096;

/// What one sd_notify(3) datagram says, as far as tether honours it: newline-separated
/// KEY=VALUE assignments, unknown keys and lines without '=' ignored (as systemd does).
/// EXTEND_TIMEOUT_USEC, RELOADING, MAINPID, WATCHDOG_USEC, ERRNO, FDSTORE and the rest are
/// ignored (docs/design.md says why).
struct NotifyMessage {
  bool ready = false;                 ///< READY=1: the service is up; the health gate may pass
  bool watchdog_ping = false;         ///< WATCHDOG=1: still alive
  bool watchdog_trigger = false;      ///< WATCHDOG=trigger: the service asks to be restarted
  bool stopping = false;              ///< STOPPING=1: shown only; tether decides about stops
  std::optional<std::string> status;  ///< STATUS=: free text, printable and bounded
  bool operator==(const NotifyMessage&) const = default;
};

/// Reads one datagram. Pure; never fails (nonsense reads as a message that says nothing).
[[nodiscard]] NotifyMessage parse_notify_message(std::string_view datagram);

}  // namespace tether
