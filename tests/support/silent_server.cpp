#include "silent_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace tether::test {

SilentServer::SilentServer() {
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (m_listen_fd < 0 || ::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(m_listen_fd, 16) != 0 ||
      ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("SilentServer: cannot listen on 127.0.0.1");
  }
  m_port = ntohs(address.sin_port);
  m_thread = std::thread([this] {
    while (true) {
      const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;  // shut down by the destructor
      m_connections.push_back(fd);
      ++m_accepted;
    }
  });
}

SilentServer::~SilentServer() {
  ::shutdown(m_listen_fd, SHUT_RDWR);
  m_thread.join();
  ::close(m_listen_fd);
  for (int fd : m_connections) ::close(fd);
}

}  // namespace tether::test
