// The API's HTTP server against real sockets: slow clients are cut at their request deadline
// and cannot starve others, one address gets a bounded share, and stopping cuts everyone.
#include "api/guarded_server.hpp"

#include "command.hpp"
#include "slow_client.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <thread>
#include <vector>

namespace tether::guarded_server_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class GuardedServerTest : public ::testing::Test {
 protected:
  void start(ConnectionLimits limits) {
    m_server = std::make_unique<GuardedServer>(limits);
    m_server->Get("/ping", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("pong\n", "text/plain");
    });
    m_port = m_server->bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    ASSERT_TRUE(test::eventually([this] { return m_server->is_running(); }, seconds(5)));
  }
  void stop() {
    if (!m_server) return;
    m_server->stop();
    m_server->abort_connections();
    m_thread.join();
    m_server.reset();
  }
  ~GuardedServerTest() override { stop(); }

  std::pair<int, std::string> get(const std::string& path) const {
    httplib::Client client("127.0.0.1", m_port);
    client.set_read_timeout(5);
    auto response = client.Get(path.c_str());
    if (!response) return {0, ""};
    return {response->status, response->body};
  }

  std::unique_ptr<GuardedServer> m_server;
  std::thread m_thread;
  int m_port = 0;
};

bool all_closed(const std::vector<std::unique_ptr<test::SlowClient>>& clients) {
  for (const auto& client : clients) {
    if (!client->closed_by_server()) return false;
  }
  return true;
}

TEST_F(GuardedServerTest, SlowClientsAreCutAtTheirDeadlineAndStarveNoOne) {
  ConnectionLimits limits;
  limits.request_deadline = milliseconds(800);
  limits.per_client = 8;
  limits.max_threads = 4;
  ASSERT_NO_FATAL_FAILURE(start(limits));
  std::vector<std::unique_ptr<test::SlowClient>> slow;
  for (int i = 0; i < 3; ++i)
    slow.push_back(std::make_unique<test::SlowClient>(m_port, milliseconds(100)));
  EXPECT_EQ(get("/ping"), std::make_pair(200, std::string("pong\n")));
  EXPECT_TRUE(test::eventually([&] { return all_closed(slow); }, seconds(10)));
  for (const auto& client : slow) {
    EXPECT_EQ(client->received().rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0U)
        << client->received();
    EXPECT_NE(client->received().find("the request did not arrive within 800 ms"),
              std::string::npos);
  }
}

TEST_F(GuardedServerTest, OneAddressGetsItsShareAndThenA429) {
  ConnectionLimits limits;
  limits.per_client = 2;
  ASSERT_NO_FATAL_FAILURE(start(limits));
  test::SlowClient first(m_port, milliseconds(100), /*silent=*/true);
  test::SlowClient second(m_port, milliseconds(100), /*silent=*/true);
  std::pair<int, std::string> answer;
  EXPECT_TRUE(test::eventually(
      [&] {
        answer = get("/ping");
        return answer.first == 429;
      },
      seconds(5)));
  EXPECT_EQ(answer.second,
            "too many connections from 127.0.0.1 (at most 2 at once); retry later\n");
}

TEST_F(GuardedServerTest, StoppingCutsConnectionsLongBeforeTheirDeadline) {
  ConnectionLimits limits;
  limits.request_deadline = seconds(600);
  ASSERT_NO_FATAL_FAILURE(start(limits));
  test::SlowClient slow(m_port, milliseconds(100));
  EXPECT_EQ(get("/ping").first, 200);
  const auto before = std::chrono::steady_clock::now();
  stop();  // joins the server: returns only once the slow connection's thread is done
  EXPECT_LT(std::chrono::steady_clock::now() - before, seconds(300));
  EXPECT_TRUE(test::eventually([&] { return slow.closed_by_server(); }, seconds(10)));
}

TEST_F(GuardedServerTest, OneRequestPerConnection) {
  ASSERT_NO_FATAL_FAILURE(start(ConnectionLimits{}));
  httplib::Client client("127.0.0.1", m_port);
  client.set_keep_alive(true);
  auto first = client.Get("/ping");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->get_header_value("Connection"), "close");
  auto second = client.Get("/ping");  // httplib reconnects
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "pong\n");
}

}  // namespace
}  // namespace tether::guarded_server_test
