#include "health/probe.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tether {
namespace {

/// Connects to one resolved address within `timeout`; "" on success, else why not.
std::string try_connect(const addrinfo& address, Millis timeout) {
  const int fd = ::socket(
      address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address.ai_protocol);
  if (fd < 0) return std::strerror(errno);
  std::string problem;
  if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      problem = std::strerror(errno);
    } else {
      pollfd pfd{fd, POLLOUT, 0};
      const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
      int error = 0;
      socklen_t length = sizeof error;
      if (ready == 0) {
        problem = "timed out after " + format_duration(timeout);
      } else if (ready < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        problem = std::strerror(errno);
      } else if (error != 0) {
        problem = std::strerror(error);
      }
    }
  }
  ::close(fd);
  return problem;
}

}  // namespace

ProbeResult probe_tcp(const TcpProbe& probe, Millis timeout) {
  const size_t colon = probe.address.rfind(':');
  std::string host = probe.address.substr(0, colon);
  const std::string port = probe.address.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &raw); rc != 0) {
    return {false, "cannot resolve " + probe.address + ": " + ::gai_strerror(rc)};
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(raw, &freeaddrinfo);
  std::string problem = "no address";
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    problem = try_connect(*a, timeout);
    if (problem.empty()) return {true, "connected to " + probe.address};
  }
  return {false, "connect to " + probe.address + ": " + problem};
}

}  // namespace tether
