// Socket hand-off's OS side against the real OS: a process started with sockets finds them at
// fds 3.. with LISTEN_PID naming itself and nothing else of the agent's open; an agent that
// holds no copy any more takes the very same socket back from that process; a port held by
// another program is a clear error.
#include "apply/listen_sockets.hpp"

#include "command.hpp"
#include "process_guard.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <filesystem>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tether::listen_sockets_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<std::string> open_fds(pid_t pid) {
  std::vector<std::string> fds;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    fds.push_back(fd.path().filename());
  std::sort(fds.begin(), fds.end());
  return fds;
}

/// "socket:[inode]" of our own descriptor `fd`, as /proc/<pid>/fd/N reads for the same socket.
std::string socket_link(int fd) {
  struct stat info {};
  EXPECT_EQ(::fstat(fd, &info), 0);
  return "socket:[" + std::to_string(info.st_ino) + "]";
}

std::string fd_link(pid_t pid, int fd) {
  std::error_code ec;
  return fs::read_symlink("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd), ec);
}

bool can_connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

class ListenSocketsTest : public ::testing::Test {
 protected:
  ListenSocketsTest() {
    m_spec.sockets = {{"http", "127.0.0.1", test::free_port()},
                      {"admin", "127.0.0.1", test::free_port()}};
    while (m_spec.sockets[1].port == m_spec.sockets[0].port)
      m_spec.sockets[1].port = test::free_port();
  }

  /// Starts a shell that reports its pid and the LISTEN_* variables, then execs sleep (same
  /// pid) holding what it was passed.
  pid_t spawn_holder(const ListenSockets& sockets) {
    SpawnRequest request{{"/bin/sh",
                          "-c",
                          "echo \"pid=$$ listen_pid=$LISTEN_PID fds=$LISTEN_FDS "
                          "names=$LISTEN_FDNAMES\"; exec sleep 30"},
                         m_tmp.path(),
                         {},
                         m_log,
                         sockets.passed()};
    auto pid = spawn_detached(request);
    EXPECT_TRUE(pid.ok()) << pid.error().describe();
    if (!pid.ok()) return 0;
    m_guards.push_back(std::make_unique<test::ProcessGuard>(*pid));
    return *pid;
  }

  test::TempDir m_tmp;
  fs::path m_log = m_tmp.path() / "service.log";
  SocketHandoffSpec m_spec;
  std::vector<std::unique_ptr<test::ProcessGuard>> m_guards;
};

TEST_F(ListenSocketsTest, AStartedProcessGetsTheSocketsAtFd3OnAndLISTEN_PIDNamesItself) {
  auto sockets = ListenSockets::acquire("web", m_spec, {});
  ASSERT_TRUE(sockets.ok()) << sockets.error().describe();
  EXPECT_NE(sockets->describe().find("http=127.0.0.1:" + std::to_string(m_spec.sockets[0].port) +
                                     " (new)"),
            std::string::npos)
      << sockets->describe();
  const PassedSockets passed = sockets->passed();
  const pid_t pid = spawn_holder(*sockets);
  ASSERT_NE(pid, 0);
  const std::string expected = "pid=" + std::to_string(pid) + " listen_pid=" + std::to_string(pid) +
                               " fds=2 names=http:admin";
  ASSERT_TRUE(test::eventually(
      [&] { return test::read_text(m_log).find(expected) != std::string::npos; }, 5s))
      << test::read_text(m_log);
  // Once sleep runs (same pid): 0-2, the two sockets in order, nothing else of ours. Waited
  // for: sleep's own start-up opens (the locale archive) for a moment, at 5 (1 run in 40).
  ASSERT_TRUE(test::eventually(
      [&] { return test::read_text("/proc/" + std::to_string(pid) + "/comm") == "sleep\n"; }, 5s));
  const std::vector<std::string> passed_only{"0", "1", "2", "3", "4"};
  EXPECT_TRUE(test::eventually([&] { return open_fds(pid) == passed_only; }, 5s))
      << testing::PrintToString(open_fds(pid));
  EXPECT_EQ(fd_link(pid, 3), socket_link(passed.fds[0]));
  EXPECT_EQ(fd_link(pid, 4), socket_link(passed.fds[1]));
  EXPECT_TRUE(can_connect(m_spec.sockets[0].port));
}

TEST_F(ListenSocketsTest, AnAgentWithoutACopyTakesTheSameSocketBackFromTheProcessThatHoldsIt) {
  pid_t pid = 0;
  {
    auto first = ListenSockets::acquire("web", m_spec, {});
    ASSERT_TRUE(first.ok()) << first.error().describe();
    pid = spawn_holder(*first);
    ASSERT_NE(pid, 0);
    ASSERT_TRUE(test::eventually(
        [&] { return test::read_text(m_log).find("listen_pid=") != std::string::npos; }, 5s));
  }  // the agent's copies are closed: only the process holds the sockets now
  EXPECT_TRUE(can_connect(m_spec.sockets[1].port)) << "the process keeps them listening";
  auto again = ListenSockets::acquire("web", m_spec, {pid});
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_NE(again->describe().find("admin=127.0.0.1:" + std::to_string(m_spec.sockets[1].port) +
                                   " (from pid " + std::to_string(pid) + ")"),
            std::string::npos)
      << again->describe();
  const PassedSockets passed = again->passed();
  EXPECT_EQ(socket_link(passed.fds[0]), fd_link(pid, 3));
  EXPECT_EQ(socket_link(passed.fds[1]), fd_link(pid, 4));
}

TEST_F(ListenSocketsTest, APortHeldByAnotherProgramIsAnErrorNamingTheSocket) {
  // A listener of the test's own, not among the holders: the port is taken, and not ours.
  auto other = ListenSockets::acquire("other", SocketHandoffSpec{{m_spec.sockets[1]}}, {});
  ASSERT_TRUE(other.ok()) << other.error().describe();
  auto sockets = ListenSockets::acquire("web", m_spec, {});
  ASSERT_FALSE(sockets.ok());
  const std::string text = sockets.error().describe();
  EXPECT_NE(text.find("web: socket admin (127.0.0.1:" + std::to_string(m_spec.sockets[1].port) +
                      "): cannot listen"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("spec.switch.socketHandoff.sockets[].port"), std::string::npos) << text;
}

}  // namespace
}  // namespace tether::listen_sockets_test
