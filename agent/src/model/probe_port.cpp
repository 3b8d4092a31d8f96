#include "model/probe_port.hpp"

#include "core/overloaded.hpp"

namespace tether {
namespace {

/// Where the host of `authority` ends: after `]` for an IPv6 literal, else before the last ':'.
size_t host_end(const std::string& authority) {
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    return close == std::string::npos ? authority.size() : close + 1;
  }
  const size_t colon = authority.rfind(':');
  return colon == std::string::npos ? authority.size() : colon;
}

}  // namespace

std::string address_with_port(const std::string& address, int port) {
  return address.substr(0, host_end(address)) + ":" + std::to_string(port);
}

std::string url_with_port(const std::string& url, int port) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t start = scheme + 3;
  const size_t end = url.find_first_of("/?#", start);
  const std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  const std::string rest = end == std::string::npos ? "" : url.substr(end);
  return url.substr(0, start) + address_with_port(authority, port) + rest;
}

Probe with_port(const Probe& probe, int port) {
  return std::visit(Overloaded{
                        [&](const HttpProbe& http) -> Probe {
                          HttpProbe moved = http;
                          moved.url = url_with_port(http.url, port);
                          return moved;
                        },
                        [&](const TcpProbe& tcp) -> Probe {
                          return TcpProbe{address_with_port(tcp.address, port)};
                        },
                        [&](const auto& other) -> Probe { return other; },
                    },
                    probe);
}

}  // namespace tether
