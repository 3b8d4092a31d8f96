// The HAProxy runtime API adapter against real Unix sockets in a temp dir: a scripted peer that
// answers as HAProxy 2.6 does, one that never answers, one that floods, and no peer at all.
// Every case ends within the adapter's deadline with an error that names the socket.
#include "apply/proxy_driver.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace tether::haproxy_runtime_test {
namespace {

using ::testing::HasSubstr;

/// A Unix socket server on its own thread: `answer` gets each command, returns the reply
/// ("" with `hang` set: reads and never answers until the test ends).
class ScriptedPeer {
 public:
  ScriptedPeer(const std::string& path, std::function<std::string(const std::string&)> answer)
      : m_answer(std::move(answer)) {
    m_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
    ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::listen(m_fd, 8);
    m_thread = std::thread([this] { serve(); });
  }
  ~ScriptedPeer() {
    m_stopping = true;
    ::shutdown(m_fd, SHUT_RDWR);
    m_thread.join();
    ::close(m_fd);
  }
  std::vector<std::string> commands() {
    std::lock_guard lock(m_mutex);
    return m_commands;
  }
  bool m_hang = false;

 private:
  void serve() {
    while (!m_stopping) {
      const int client = ::accept(m_fd, nullptr, nullptr);
      if (client < 0) return;
      char buffer[512];
      const ssize_t n = ::read(client, buffer, sizeof(buffer));
      const std::string command(buffer, n > 0 ? static_cast<size_t>(n) : 0);
      {
        std::lock_guard lock(m_mutex);
        m_commands.push_back(command);
      }
      while (m_hang && !m_stopping) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const std::string reply = m_answer(command);
      for (size_t sent = 0; sent < reply.size() && !m_stopping;) {
        const ssize_t w = ::send(client, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (w <= 0) break;
        sent += static_cast<size_t>(w);
      }
      ::close(client);
    }
  }

  std::function<std::string(const std::string&)> m_answer;
  int m_fd = -1;
  std::atomic<bool> m_stopping{false};
  std::mutex m_mutex;
  std::vector<std::string> m_commands;
  std::thread m_thread;
};

/// HAProxy 2.6's answers for backend app with server live, its port in `port`.
std::string haproxy_answers(const std::string& command, int& port) {
  if (command.rfind("show servers state app", 0) == 0)
    return "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state "
           "srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result "
           "srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id "
           "srv_fqdn srv_port srvrecord\n3 app 1 live 127.0.0.1 2 0 1 1 0 1 0 2 0 0 0 0 - " +
           std::to_string(port) + " -\n\n";
  if (command.rfind("set server app/live addr 127.0.0.1 port ", 0) == 0) {
    port =
        std::stoi(command.substr(std::string("set server app/live addr 127.0.0.1 port ").size()));
    return "no need to change the addr, port changed by 'stats socket command'\n\n";
  }
  if (command == "set server app/live state ready\n") return "\n";
  return "No such server.\n\n";
}

struct HaproxyRuntimeTest : ::testing::Test {
  test::TempDir dir;
  std::string socket = (dir.path() / "admin.sock").string();
  int port = 18501;
};

TEST_F(HaproxyRuntimeTest, MovesTheServerMarksItReadyAndReadsThePortBack) {
  ScriptedPeer peer(socket, [&](const std::string& c) { return haproxy_answers(c, port); });
  const auto driver = make_haproxy_driver({socket, "app", "live"});
  ASSERT_EQ(*driver->traffic_port(), 18501);
  ASSERT_TRUE(driver->send_traffic_to(18502));
  EXPECT_EQ(port, 18502);
  EXPECT_THAT(peer.commands(),
              ::testing::ElementsAre("show servers state app\n",
                                     "set server app/live addr 127.0.0.1 port 18502\n",
                                     "set server app/live state ready\n",
                                     "show servers state app\n"));
}

TEST_F(HaproxyRuntimeTest, AnUnknownServerIsAnErrorThatSaysWhatToCheck) {
  ScriptedPeer peer(socket, [&](const std::string& c) { return haproxy_answers(c, port); });
  const auto driver = make_haproxy_driver({socket, "app", "blue"});
  const Status moved = driver->send_traffic_to(18502);
  ASSERT_FALSE(moved);
  EXPECT_THAT(moved.error().describe(), HasSubstr("answered 'No such server.'"));
  EXPECT_THAT(moved.error().describe(), HasSubstr("backend app with server blue"));
  EXPECT_FALSE(driver->traffic_port());
}

TEST_F(HaproxyRuntimeTest, APeerThatNeverAnswersCostsTheDeadlineNotAHang) {
  ScriptedPeer peer(socket, [&](const std::string& c) { return haproxy_answers(c, port); });
  peer.m_hang = true;
  const auto started = std::chrono::steady_clock::now();
  const auto answered = make_haproxy_driver({socket, "app", "live"})->traffic_port();
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(answered);
  EXPECT_THAT(answered.error().describe(), HasSubstr(socket + ": read: no answer within"));
  EXPECT_LT(took, std::chrono::seconds(4));
}

TEST_F(HaproxyRuntimeTest, AFloodIsCutAtTheCap) {
  ScriptedPeer peer(socket, [](const std::string&) { return std::string(1024 * 1024, 'x'); });
  const auto answered = make_haproxy_driver({socket, "app", "live"})->traffic_port();
  ASSERT_FALSE(answered);
  EXPECT_THAT(answered.error().describe(), HasSubstr("reply longer than"));
}

TEST_F(HaproxyRuntimeTest, NoProxyIsAnErrorNamingTheSocket) {
  const auto answered = make_haproxy_driver({socket, "app", "live"})->traffic_port();
  ASSERT_FALSE(answered);
  EXPECT_THAT(answered.error().describe(), HasSubstr(socket + ": connect:"));
  EXPECT_THAT(answered.error().describe(), HasSubstr("admin socket"));
}

}  // namespace
}  // namespace tether::haproxy_runtime_test
