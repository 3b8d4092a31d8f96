#include "apply/listen_sockets.hpp"

#include "core/files.hpp"

#include <arpa/inet.h>
#include <filesystem>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tether {
namespace {

/// A process with more descriptors than this is not searched further (a runaway leak).
constexpr int k_max_fds_searched = 4096;

std::string endpoint_text(const HandoffSocket& socket) {
  return socket.address + ":" + std::to_string(socket.port);
}

sockaddr_in address_of(const HandoffSocket& socket) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(socket.port));
  ::inet_pton(AF_INET, socket.address.c_str(), &address.sin_addr);  // checked by the reader
  return address;
}

/// True when `fd` is a TCP socket listening on exactly `want`.
bool listens_on(int fd, const sockaddr_in& want) {
  int listening = 0;
  socklen_t length = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || listening != 1)
    return false;
  sockaddr_storage bound{};
  length = sizeof bound;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) return false;
  if (bound.ss_family != AF_INET) return false;
  const auto& in = reinterpret_cast<const sockaddr_in&>(bound);
  return in.sin_port == want.sin_port && in.sin_addr.s_addr == want.sin_addr.s_addr;
}

/// A copy of the socket `pid` listens on at `want`, if it has one and lets us take it.
std::optional<UniqueFd> take_from(pid_t pid, const sockaddr_in& want) {
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd.valid()) return std::nullopt;
  std::error_code ec;
  std::filesystem::directory_iterator fds("/proc/" + std::to_string(pid) + "/fd", ec);
  int searched = 0;
  for (; !ec && fds != std::filesystem::directory_iterator(); fds.increment(ec)) {
    if (++searched > k_max_fds_searched) break;
    std::error_code unreadable;
    const auto link = std::filesystem::read_symlink(fds->path(), unreadable);
    if (unreadable || !link.string().starts_with("socket:")) continue;
    int target = -1;
    try {
      target = std::stoi(fds->path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    UniqueFd copy(static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd.get(), target, 0)));
    if (copy.valid() && listens_on(copy.get(), want)) return copy;
  }
  return std::nullopt;
}

Result<UniqueFd> listen_new(const std::string& service, const HandoffSocket& socket) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const std::string what = service + ": socket " + socket.name + " (" + endpoint_text(socket) + ")";
  if (!fd.valid()) return Error{what + ": cannot create a socket: " + errno_text(), ""};
  const int yes = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  const sockaddr_in address = address_of(socket);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const std::string reason = errno_text();
    return Error{what + ": cannot listen: " + reason,
                 "another program (not a release of " + service +
                     " that tether started) holds the port: stop it, or change "
                     "spec.switch.socketHandoff.sockets[].port"};
  }
  if (::listen(fd.get(), SOMAXCONN) != 0)
    return Error{what + ": cannot listen: " + errno_text(), ""};
  return fd;
}

}  // namespace

Result<ListenSockets> ListenSockets::acquire(const std::string& service,
                                             const SocketHandoffSpec& spec,
                                             const std::vector<pid_t>& holders) {
  ListenSockets sockets;
  for (const HandoffSocket& socket : spec.sockets) {
    const sockaddr_in want = address_of(socket);
    std::optional<UniqueFd> found;
    std::string origin = "new";
    for (const pid_t holder : holders) {
      found = take_from(holder, want);
      if (found) {
        origin = "from pid " + std::to_string(holder);
        break;
      }
    }
    if (!found) {
      auto created = listen_new(service, socket);
      if (!created) return created.error();
      found = std::move(*created);
    }
    sockets.m_fds.push_back(std::move(*found));
    sockets.m_names.push_back(socket.name);
    sockets.m_endpoints.push_back(socket.name + "=" + endpoint_text(socket));
    sockets.m_origins.push_back(sockets.m_endpoints.back() + " (" + origin + ")");
  }
  return sockets;
}

PassedSockets ListenSockets::passed() const {
  PassedSockets passed;
  for (const UniqueFd& fd : m_fds) passed.fds.push_back(fd.get());
  passed.names = m_names;
  for (const std::string& endpoint : m_endpoints)
    passed.description += (passed.description.empty() ? "" : ",") + endpoint;
  return passed;
}

std::string ListenSockets::describe() const {
  std::string text;
  for (const std::string& origin : m_origins) text += (text.empty() ? "" : ", ") + origin;
  return text;
}

}  // namespace tether
