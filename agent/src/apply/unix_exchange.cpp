#include "apply/unix_exchange.hpp"

#include "core/termination.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace tether {
namespace {

using SteadyClock = std::chrono::steady_clock;
// Short poll slices: SIGTERM is noticed within this long.
constexpr Millis k_slice{100};

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return m_fd; }

 private:
  int m_fd;
};

Error failure(const std::string& socket_path, const std::string& what) {
  return Error{socket_path + ": " + what,
               "check that the proxy runs and that its admin socket is this path"};
}

/// Waits until `fd` is ready for `events` or the deadline passes; "" when ready, else why not.
std::string wait_for(int fd, short events, SteadyClock::time_point deadline) {
  while (true) {
    if (termination_requested()) return "the agent is stopping";
    const auto left = std::chrono::duration_cast<Millis>(deadline - SteadyClock::now());
    if (left <= Millis(0)) return "no answer within the deadline";
    pollfd polled{fd, events, 0};
    const int ready = ::poll(&polled, 1, static_cast<int>(std::min(left, k_slice).count()));
    if (ready > 0) return "";
    if (ready < 0 && errno != EINTR) return std::string("poll: ") + std::strerror(errno);
  }
}

Status connect_by(const Fd& fd, const std::string& path, SteadyClock::time_point deadline) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return failure(path, "path too long for a socket");
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0)
    return ok_status();
  if (errno != EINPROGRESS && errno != EAGAIN)
    return failure(path, std::string("connect: ") + std::strerror(errno));
  if (std::string late = wait_for(fd.get(), POLLOUT, deadline); !late.empty())
    return failure(path, "connect: " + late);
  int error = 0;
  socklen_t length = sizeof(error);
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
  if (error != 0) return failure(path, std::string("connect: ") + std::strerror(error));
  return ok_status();
}

Status send_all(const Fd& fd,
                const std::string& path,
                const std::string& request,
                SteadyClock::time_point deadline) {
  size_t sent = 0;
  while (sent < request.size()) {
    if (std::string late = wait_for(fd.get(), POLLOUT, deadline); !late.empty())
      return failure(path, "write: " + late);
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      return failure(path, std::string("write: ") + std::strerror(errno));
    if (n > 0) sent += static_cast<size_t>(n);
  }
  return ok_status();
}

}  // namespace

Result<std::string> unix_exchange(const std::string& socket_path,
                                  const std::string& request,
                                  Millis deadline,
                                  size_t max_reply) {
  const auto until = SteadyClock::now() + deadline;
  const Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return failure(socket_path, std::string("socket: ") + std::strerror(errno));
  if (Status connected = connect_by(fd, socket_path, until); !connected) return connected.error();
  if (Status sent = send_all(fd, socket_path, request, until); !sent) return sent.error();
  std::string reply;
  char buffer[4096];
  while (true) {
    if (std::string late = wait_for(fd.get(), POLLIN, until); !late.empty())
      return failure(socket_path, "read: " + late);
    const ssize_t n = ::recv(fd.get(), buffer, sizeof(buffer), 0);
    if (n == 0) return reply;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return failure(socket_path, std::string("read: ") + std::strerror(errno));
    }
    reply.append(buffer, static_cast<size_t>(n));
    if (reply.size() > max_reply)
      return failure(socket_path, "reply longer than " + std::to_string(max_reply) + " bytes");
  }
}

}  // namespace tether
