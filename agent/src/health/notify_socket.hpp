#pragma once

#include "core/result.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tether {

/// One datagram and who sent it, as the kernel says (SO_PASSCRED), not as the sender claims.
struct NotifyDatagram {
  pid_t sender = 0;  ///< 0 when the kernel attached no credentials
  std::string text;
};

/// The receiving end of one service's NOTIFY_SOCKET: an AF_UNIX SOCK_DGRAM socket bound to a
/// path, non-blocking, with SO_PASSCRED so every datagram carries its sender's pid. The socket
/// file is 0600 (only root, which exec services run as today, may send), in a dir only root
/// writes (so no one else can replace it).
class NotifySocket {
 public:
  /// Removes whatever is at `path` (a previous agent's socket) and binds a new one there.
  [[nodiscard]] static Result<NotifySocket> bind(const std::filesystem::path& path);

  NotifySocket(NotifySocket&& other) noexcept;
  NotifySocket& operator=(NotifySocket&& other) noexcept;
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket();

  /// What is queued, at most `max_datagrams` (a flood waits in the kernel's bounded queue
  /// for the next call instead of stalling this one). Datagrams over k_notify_datagram_max
  /// are dropped; descriptors passed along (FDSTORE) are closed.
  [[nodiscard]] std::vector<NotifyDatagram> receive(std::size_t max_datagrams);

  /// For poll(2).
  [[nodiscard]] int fd() const { return m_fd; }

 private:
  explicit NotifySocket(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace tether
