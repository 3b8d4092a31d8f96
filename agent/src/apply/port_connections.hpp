#pragma once

namespace tether {

/// How many TCP connections to local port `port` are established on this host (IPv4 and
/// IPv6, from /proc/net/tcp*): what a release that no longer gets new clients still serves.
[[nodiscard]] int established_connections(int port);

}  // namespace tether
