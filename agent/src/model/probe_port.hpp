#pragma once

#include "model/probe.hpp"

namespace tether {

/// Blue-green switches: the probe pointed at `port` instead of the port it names, so the health
/// gate checks the new release directly on its own port while the manifest's probe (and the
/// health watch) address what clients use, the proxy. An http probe's URL and a tcp probe's
/// address get the port (added when the URL has none); exec and notify probes are returned as
/// they are (they do not name a port).
[[nodiscard]] Probe with_port(const Probe& probe, int port);

/// `url` (`http://host[:port]/path`) with its port replaced by `port`.
[[nodiscard]] std::string url_with_port(const std::string& url, int port);

/// `address` (`host:port`, `[v6]:port`) with its port replaced by `port`.
[[nodiscard]] std::string address_with_port(const std::string& address, int port);

}  // namespace tether
