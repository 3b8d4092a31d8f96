// The libcurl adapter against real loopback listeners: answers, errors, timeouts, concurrency.
#include "command.hpp"
#include "fleet/status_source.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace tether::fleet::curl_status_source_test {
namespace {

using std::chrono::steady_clock;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr Millis k_timeout{300};
constexpr auto k_slack = std::chrono::milliseconds(700);

/// A TCP socket bound to 127.0.0.1:0: without listen() it holds a port that refuses
/// connections; listening, it completes handshakes nobody ever answers.
class LoopbackSocket {
 public:
  LoopbackSocket() : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
  }
  ~LoopbackSocket() { ::close(m_fd); }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  void listen(int backlog) { EXPECT_EQ(::listen(m_fd, backlog), 0); }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

 private:
  int m_fd;
  int m_port = 0;
};

/// An httplib server on a kernel-chosen loopback port, answering from a thread.
class AgentStub {
 public:
  AgentStub() : m_port(m_server.bind_to_any_port("127.0.0.1")) {
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    EXPECT_TRUE(test::eventually([this] { return m_server.is_running(); }, Millis(5000)));
  }
  ~AgentStub() {
    m_server.stop();
    m_thread.join();
  }
  AgentStub(const AgentStub&) = delete;
  AgentStub& operator=(const AgentStub&) = delete;

  void answer(const std::string& path, int status, const std::string& body) {
    m_server.Get(path, [status, body](const httplib::Request&, httplib::Response& response) {
      response.status = status;
      response.set_content(body, "application/json");
    });
  }
  [[nodiscard]] std::string url(const std::string& prefix = "") const {
    return "http://127.0.0.1:" + std::to_string(m_port) + prefix;
  }

 private:
  httplib::Server m_server;
  int m_port;
  std::thread m_thread;
};

TEST(FleetCurlSource, AnswersErrorsAndRefusalsInTargetOrder) {
  AgentStub agent;
  agent.answer("/status", 200, R"({"services": []})");
  agent.answer("/broken/status", 500, "internal error");
  LoopbackSocket closed;
  CurlStatusSource source(8);
  const std::vector<Reply> replies = source.fetch(
      {agent.url(), closed.url(), agent.url("/broken"), agent.url("/missing")}, k_timeout);
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0], (Reply{agent.url(), "", 200, R"({"services": []})"}));
  EXPECT_EQ(replies[1].target, closed.url());
  EXPECT_EQ(replies[1].transport_error, "connection refused");
  EXPECT_EQ(replies[2].http_status, 500);
  EXPECT_EQ(replies[2].transport_error, "");
  EXPECT_EQ(replies[3].http_status, 404);
}

TEST(FleetCurlSource, ASilentAgentTimesOut) {
  LoopbackSocket silent;
  silent.listen(16);
  CurlStatusSource source(4);
  const auto start = steady_clock::now();
  const std::vector<Reply> replies = source.fetch({silent.url()}, k_timeout);
  const auto elapsed = steady_clock::now() - start;
  EXPECT_THAT(replies.at(0).transport_error, StartsWith("timeout after 300ms"));
  EXPECT_GE(elapsed, k_timeout - Millis(50));
  EXPECT_LT(elapsed, k_timeout + k_slack);
}

TEST(FleetCurlSource, AHundredSilentAgentsTakeAboutOneTimeout) {
  LoopbackSocket silent;
  silent.listen(128);
  const std::vector<std::string> targets(100, silent.url());
  CurlStatusSource source(100);
  const auto start = steady_clock::now();
  const std::vector<Reply> replies = source.fetch(targets, k_timeout);
  const auto elapsed = steady_clock::now() - start;
  ASSERT_EQ(replies.size(), 100u);
  for (const Reply& reply : replies) EXPECT_THAT(reply.transport_error, HasSubstr("timeout"));
  EXPECT_LT(elapsed, k_timeout + k_slack) << "requests run concurrently";
}

TEST(FleetCurlSource, ConcurrencyBoundsRequestsInFlight) {
  LoopbackSocket silent;
  silent.listen(16);
  const std::vector<std::string> targets(6, silent.url());
  CurlStatusSource source(2);
  const auto start = steady_clock::now();
  const std::vector<Reply> replies = source.fetch(targets, Millis(200));
  const auto elapsed = steady_clock::now() - start;
  for (const Reply& reply : replies) EXPECT_THAT(reply.transport_error, HasSubstr("timeout"));
  EXPECT_GE(elapsed, Millis(3 * 200 - 50)) << "three rounds of two";
  EXPECT_LT(elapsed, Millis(3 * 200) + k_slack);
}

TEST(FleetCurlSource, ABodyOverTheLimitIsRefused) {
  AgentStub agent;
  agent.answer("/status", 200, std::string(9 * 1024 * 1024, ' '));
  CurlStatusSource source(1);
  EXPECT_EQ(source.fetch({agent.url()}, Millis(5000)).at(0).transport_error,
            "response larger than 8 MiB");
}

TEST(FleetCurlSource, NoTargetsNoRequests) {
  CurlStatusSource source(4);
  EXPECT_TRUE(source.fetch({}, k_timeout).empty());
}

}  // namespace
}  // namespace tether::fleet::curl_status_source_test
