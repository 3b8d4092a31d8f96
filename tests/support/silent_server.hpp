#pragma once

#include <atomic>
#include <thread>
#include <vector>

namespace tether::test {

/// A TCP server on a free loopback port that accepts every connection and never sends a byte:
/// the Git server that hangs (issue #19). Connections stay open until it is destroyed.
class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  [[nodiscard]] int port() const { return m_port; }
  /// Connections accepted so far: the signal that a client is now waiting on this server.
  [[nodiscard]] int accepted() const { return m_accepted.load(); }

 private:
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<int> m_accepted{0};
  std::vector<int> m_connections;
  std::thread m_thread;
};

}  // namespace tether::test
