#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace tether::test {

/// A client that connects to 127.0.0.1:port and then dribbles a request: the request line,
/// then one header line every `every` (a slow-loris), or nothing at all when `silent`. It
/// notices when the server closes the connection.
class SlowClient {
 public:
  SlowClient(int port, std::chrono::milliseconds every, bool silent = false);
  ~SlowClient();
  SlowClient(const SlowClient&) = delete;
  SlowClient& operator=(const SlowClient&) = delete;

  /// True once the server closed (or reset) the connection.
  [[nodiscard]] bool closed_by_server() const { return m_closed; }
  /// What the server sent before closing, if anything.
  [[nodiscard]] std::string received() const;

 private:
  void run(std::chrono::milliseconds every, bool silent);

  int m_fd = -1;
  std::atomic<bool> m_closed{false};
  std::atomic<bool> m_stop{false};
  std::string m_received;
  mutable std::atomic<bool> m_done{false};
  std::thread m_thread;
};

}  // namespace tether::test
