#include "slow_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace tether::test {

SlowClient::SlowClient(int port, std::chrono::milliseconds every, bool silent) {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("SlowClient: cannot connect to port " + std::to_string(port));
  }
  m_thread = std::thread([this, every, silent] { run(every, silent); });
}

SlowClient::~SlowClient() {
  m_stop = true;
  m_thread.join();
  ::close(m_fd);
}

std::string SlowClient::received() const { return m_done ? m_received : std::string(); }

void SlowClient::run(std::chrono::milliseconds every, bool silent) {
  int line = 0;
  const auto send_text = [this](const std::string& text) {
    return ::send(m_fd, text.data(), text.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(text.size());
  };
  if (!silent && !send_text("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n")) m_closed = true;
  while (!m_stop && !m_closed) {
    pollfd fd{m_fd, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(every.count())) > 0) {
      char buffer[4096];
      const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        m_closed = true;
        break;
      }
      m_received.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (!silent && !send_text("X-Slow-" + std::to_string(line++) + ": still here\r\n")) {
      m_closed = true;
    }
  }
  m_done = true;
}

}  // namespace tether::test
