#include "notify.hpp"

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace hello {
namespace {

/// sd_notify's wire format: one datagram of newline-separated KEY=VALUE to the AF_UNIX
/// SOCK_DGRAM socket NOTIFY_SOCKET names (a path, or "@name" in the abstract namespace).
bool send_notify(const std::string& message) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const size_t length = std::strlen(path);
  if (length >= sizeof(address.sun_path)) return false;
  std::memcpy(address.sun_path, path, length);
  if (path[0] == '@') address.sun_path[0] = '\0';
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  const ssize_t sent = ::sendto(fd,
                                message.data(),
                                message.size(),
                                MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address),
                                size);
  ::close(fd);
  return sent == static_cast<ssize_t>(message.size());
}

bool env_is(const char* name, std::string_view value) {
  const char* set = std::getenv(name);
  return set != nullptr && std::string_view(set) == value;
}

long env_number(const char* name) {
  const char* set = std::getenv(name);
  return set == nullptr ? 0 : std::strtol(set, nullptr, 10);
}

void ping_watchdog(long interval_usec, long stop_after) {
  for (long pings = 0; stop_after <= 0 || pings < stop_after; ++pings) {
    std::this_thread::sleep_for(std::chrono::microseconds(interval_usec));
    // Each ping in the service log: whether the supervisor's socket took it (not while the
    // agent is down).
    std::cout << "hello: WATCHDOG=1 " << (send_notify("WATCHDOG=1") ? "sent" : "not delivered")
              << std::endl;
  }
  std::cout << "hello: stopped pinging the watchdog after " << stop_after
            << " pings (HELLO_WATCHDOG_STOP_AFTER)" << std::endl;
}

}  // namespace

void announce_ready(const std::string& status) {
  if (!env_is("HELLO_NOTIFY", "1")) return;
  if (!send_notify("READY=1\nSTATUS=" + status)) {
    std::cerr << "hello: HELLO_NOTIFY=1 but READY=1 could not be sent to NOTIFY_SOCKET\n";
  }
  const long watchdog_usec = env_number("WATCHDOG_USEC");
  if (watchdog_usec <= 0) return;
  std::thread(ping_watchdog, watchdog_usec / 2, env_number("HELLO_WATCHDOG_STOP_AFTER")).detach();
}

}  // namespace hello
