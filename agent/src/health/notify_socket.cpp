#include "health/notify_socket.hpp"

#include "core/files.hpp"
#include "health/notify_message.hpp"

#include <array>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

namespace tether {
namespace {

/// Room for the sender's credentials and a few passed descriptors (which are closed: a
/// descriptor that did not fit is closed by the kernel, MSG_CTRUNC).
constexpr std::size_t k_control_bytes = CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * 16);

/// Reads the control messages of one datagram: the sender's pid; closes passed descriptors.
pid_t sender_of(msghdr& header) {
  pid_t sender = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(ucred))) {
      ucred credentials{};
      std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
      sender = credentials.pid;
    } else if (c->cmsg_type == SCM_RIGHTS) {
      const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count; ++i) {
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        ::close(fd);
      }
    }
  }
  return sender;
}

}  // namespace

Result<NotifySocket> NotifySocket::bind(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path.string();
  if (text.size() >= sizeof(address.sun_path)) {
    return Error{"notify socket path " + text + " is longer than " +
                     std::to_string(sizeof(address.sun_path) - 1) + " bytes",
                 "use a shorter agent root (the `root` setting)"};
  }
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  NotifySocket socket(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (socket.m_fd < 0) return Error{"cannot create a notify socket: " + errno_text(), ""};
  const int on = 1;
  if (::setsockopt(socket.m_fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0)
    return Error{"cannot set SO_PASSCRED on a notify socket: " + errno_text(), ""};
  // A stale socket from an agent that ran before is replaced: the service's next datagram then
  // reaches this one (a datagram socket has no connection to lose).
  ::unlink(text.c_str());
  if (::bind(socket.m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    return Error{"cannot bind the notify socket " + text + ": " + errno_text(), ""};
  // Not umask around bind(): the umask is the whole process's, and other threads create files
  // meanwhile. Until the chmod the socket has the agent's umask (0755 with the usual 022: no
  // one else may send); a datagram that slipped in would not be from the main pid anyway.
  if (::chmod(text.c_str(), 0600) != 0)
    return Error{"cannot restrict the notify socket " + text + ": " + errno_text(), ""};
  return socket;
}

NotifySocket::NotifySocket(NotifySocket&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

NotifySocket& NotifySocket::operator=(NotifySocket&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

NotifySocket::~NotifySocket() {
  if (m_fd >= 0) ::close(m_fd);
}

std::vector<NotifyDatagram> NotifySocket::receive(std::size_t max_datagrams) {
  std::vector<NotifyDatagram> out;
  std::array<char, k_notify_datagram_max + 1> buffer{};
  alignas(cmsghdr) std::array<char, k_control_bytes> control{};
  while (out.size() < max_datagrams) {
    iovec io{buffer.data(), buffer.size()};
    msghdr header{};
    header.msg_iov = &io;
    header.msg_iovlen = 1;
    header.msg_control = control.data();
    header.msg_controllen = control.size();
    const ssize_t got = ::recvmsg(m_fd, &header, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
    if (got < 0) break;  // EAGAIN: nothing more queued (other errors: nothing to read either)
    const pid_t sender = sender_of(header);
    if (static_cast<std::size_t>(got) > k_notify_datagram_max) continue;
    out.push_back({sender, std::string(buffer.data(), static_cast<std::size_t>(got))});
  }
  return out;
}

}  // namespace tether
