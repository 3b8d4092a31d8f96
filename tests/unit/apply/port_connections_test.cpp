// The drain's view of a port, against the real /proc/net/tcp: a connection is counted by its
// local port on the server's side and by its remote port on the client's (a proxy's
// connection to a container the engine publishes by DNAT has only the client's side here).
#include "apply/port_connections.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tether::port_connections_test {
namespace {

/// A loopback socket, closed at scope exit.
struct PortTestSocket {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ~PortTestSocket() {
    if (fd >= 0) ::close(fd);
  }
};

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

TEST(PortConnections, CountsAnEstablishedConnectionFromEitherEnd) {
  PortTestSocket listener;
  sockaddr_in address = loopback(0);
  ASSERT_EQ(::bind(listener.fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener.fd, 4), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);
  EXPECT_EQ(established_connections(port), 0);
  EXPECT_EQ(established_connections_to(port), 0);
  {
    PortTestSocket client;
    ASSERT_EQ(::connect(client.fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    PortTestSocket served;
    served.fd = ::accept(listener.fd, nullptr, nullptr);
    ASSERT_GE(served.fd, 0);
    EXPECT_EQ(established_connections(port), 1) << "the server's side: local port";
    EXPECT_EQ(established_connections_to(port), 1) << "the client's side: remote port";
  }
  EXPECT_EQ(established_connections_to(port), 0) << "closed: not established any more";
}

}  // namespace
}  // namespace tether::port_connections_test
