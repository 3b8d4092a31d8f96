#pragma once

#include "core/duration.hpp"

#include <array>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tether {

/// `spec.switch.strategy`: how a new release takes over from the one that serves.
enum class SwitchStrategyKind {
  restart,     ///< stop the old release, start the new one (a gap without service)
  blue_green,  ///< start the new one beside the old on its own port, then move the proxy
  /// tether holds the listening sockets and passes them to each release (LISTEN_FDS, as
  /// systemd's socket activation does): old and new overlap on the same sockets, then the old
  /// one drains
  socket_handoff,
};

/// `spec.switch.blueGreen.haproxy`: the HAProxy server whose address tether moves between the
/// two ports, through the runtime API on the admin socket.
struct HaproxyTarget {
  std::string socket;   ///< absolute path of the admin socket (`stats socket ... level admin`)
  std::string backend;  ///< the backend's name in haproxy.cfg
  std::string server;   ///< the one server line of that backend that tether points
  bool operator==(const HaproxyTarget&) const = default;
};

/// `spec.switch.blueGreen.nginx`: the upstream include file tether rewrites and the nginx
/// master it then reloads gracefully (SIGHUP). docs/zero-downtime.md has the file's contract.
struct NginxTarget {
  std::string upstream_file;  ///< absolute path; must already be a tether upstream file
  std::string pid_file;       ///< absolute path of nginx's pid file (the master's pid)
  bool operator==(const NginxTarget&) const = default;
};

/// The proxy in front of a blue-green service: exactly one of `blueGreen.haproxy` / `.nginx`.
/// A closed set: its drivers are chosen with `std::visit` (apply/switch_strategies.cpp).
using ProxyTarget = std::variant<HaproxyTarget, NginxTarget>;

/// `spec.switch.blueGreen`: the two ports releases alternate on, and the proxy in front.
struct BlueGreenSpec {
  std::array<int, 2> ports{0, 0};  ///< distinct, 1..65535
  std::string port_env = "PORT";   ///< the env var through which a release learns its port
  ProxyTarget proxy;
  bool operator==(const BlueGreenSpec&) const = default;
};

/// One of `spec.switch.socketHandoff.sockets`: a listening TCP socket tether creates (or takes
/// over from the release that holds it) and passes to every release of the service.
struct HandoffSocket {
  std::string name;                   ///< LISTEN_FDNAMES entry: 1-255 of [A-Za-z0-9_.-]
  std::string address = "127.0.0.1";  ///< an IPv4 address to bind (0.0.0.0: every interface)
  int port = 0;                       ///< 1..65535
  bool operator==(const HandoffSocket&) const = default;
};

/// `spec.switch.socketHandoff`: the sockets, passed at fds 3, 4, ... in this order.
struct SocketHandoffSpec {
  static constexpr size_t k_max_sockets = 16;
  std::vector<HandoffSocket> sockets;  ///< 1..k_max_sockets, distinct names and address:port
  bool operator==(const SocketHandoffSpec&) const = default;
};

/// `spec.switch`. Not part of the fingerprint: it says how the next switch happens, not what
/// runs (a changed value takes effect at the next switch or restart).
struct SwitchSpec {
  SwitchStrategyKind strategy = SwitchStrategyKind::restart;
  /// How long the old release may finish in-flight requests once traffic moved away from it.
  Millis drain_timeout{std::chrono::seconds(10)};
  std::optional<BlueGreenSpec> blue_green;  ///< set exactly when strategy is blue_green
  /// set exactly when strategy is socket_handoff
  std::optional<SocketHandoffSpec> socket_handoff;
  bool operator==(const SwitchSpec&) const = default;
};

/// "restart", "blue-green" or "socket-handoff": the manifest's spelling, also used in logs, status
/// and metrics.
[[nodiscard]] constexpr const char* strategy_name(SwitchStrategyKind kind) {
  switch (kind) {
    case SwitchStrategyKind::restart:
      return "restart";
    case SwitchStrategyKind::blue_green:
      return "blue-green";
    case SwitchStrategyKind::socket_handoff:
      return "socket-handoff";
  }
  return "restart";
}

/// The port of `spec` other than `port` (the first one when `port` is neither).
[[nodiscard]] constexpr int other_port(const BlueGreenSpec& spec, int port) {
  return port == spec.ports[0] ? spec.ports[1] : spec.ports[0];
}

}  // namespace tether
