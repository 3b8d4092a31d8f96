#include "apply/port_connections.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace tether {
namespace {

constexpr const char* k_established = "01";  // TCP_ESTABLISHED in /proc/net/tcp's "st" column

/// Which end of a connection is matched against the port.
enum class ConnectionEnd { local, remote };

int count_in(const char* table, int port, ConnectionEnd end) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // the header
  int count = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    const std::string& address = end == ConnectionEnd::local ? local : remote;
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos || state != k_established) continue;
    if (std::stoi(address.substr(colon + 1), nullptr, 16) == port) ++count;
  }
  return count;
}

}  // namespace

int established_connections(int port) {
  return count_in("/proc/net/tcp", port, ConnectionEnd::local) +
         count_in("/proc/net/tcp6", port, ConnectionEnd::local);
}

int established_connections_to(int port) {
  return count_in("/proc/net/tcp", port, ConnectionEnd::remote) +
         count_in("/proc/net/tcp6", port, ConnectionEnd::remote);
}

}  // namespace tether
