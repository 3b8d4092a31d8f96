#pragma once

namespace tether {

/// How many TCP connections to local port `port` are established on this host (IPv4 and
/// IPv6, from /proc/net/tcp*): what a release that no longer gets new clients still serves.
[[nodiscard]] int established_connections(int port);

/// How many TCP connections from this host to port `port` are established (IPv4 and IPv6): a
/// proxy's connections to a container published there, which the engine forwards into the
/// container's own network namespace (no socket on the host has `port` as its local port).
[[nodiscard]] int established_connections_to(int port);

}  // namespace tether
