#include "listen_fds.hpp"

#include <charconv>
#include <cstdlib>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>

namespace hello {
namespace {

constexpr int k_first_fd = 3;  // SD_LISTEN_FDS_START

std::optional<long> number_in(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return std::nullopt;
  const std::string_view view(text);
  long value = 0;
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (error != std::errc() || end != view.data() + view.size()) return std::nullopt;
  return value;
}

}  // namespace

Outcome<std::optional<int>> take_listen_fd() {
  const auto pid = number_in("LISTEN_PID");
  const auto count = number_in("LISTEN_FDS");
  for (const char* name : {"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"}) ::unsetenv(name);
  if (!pid || !count || *pid != ::getpid() || *count < 1) return std::optional<int>();
  int listening = 0;
  socklen_t length = sizeof listening;
  if (::getsockopt(k_first_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 ||
      listening != 1)
    return Outcome<std::optional<int>>::failure(
        "LISTEN_FDS is set for this process but fd 3 is not a listening socket");
  return std::optional<int>(k_first_fd);
}

}  // namespace hello
