#include "apply/port_connections.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace tether {
namespace {

constexpr const char* k_established = "01";  // TCP_ESTABLISHED in /proc/net/tcp's "st" column

int count_in(const char* table, int port) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // the header
  int count = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    const size_t colon = local.rfind(':');
    if (colon == std::string::npos || state != k_established) continue;
    if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) ++count;
  }
  return count;
}

}  // namespace

int established_connections(int port) {
  return count_in("/proc/net/tcp", port) + count_in("/proc/net/tcp6", port);
}

}  // namespace tether
