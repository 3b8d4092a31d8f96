// The agent's NOTIFY_SOCKETs against the real kernel: the environment a service gets, READY=1
// heard from the main process only (an attacker's datagram does not pass a gate), a socket
// bound again for a service adopted after an agent restart, oversized datagrams and floods.
#include "health/notify_sockets.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tether::notify_sockets_test {
namespace {

/// Sends `text` to the datagram socket at `path` from this process; false if the kernel
/// refused (nobody bound, queue full).
bool send_to(const std::filesystem::path& path, const std::string& text) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const ssize_t sent = ::sendto(fd,
                                text.data(),
                                text.size(),
                                MSG_DONTWAIT | MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address),
                                sizeof address);
  ::close(fd);
  return sent == static_cast<ssize_t>(text.size());
}

/// A child that only sleeps: a main process that is not this test.
class SleepingChild {
 public:
  SleepingChild() : m_pid(::fork()) {
    if (m_pid == 0) {
      ::pause();
      ::_exit(0);
    }
  }
  ~SleepingChild() {
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
  }
  SleepingChild(const SleepingChild&) = delete;
  SleepingChild& operator=(const SleepingChild&) = delete;
  [[nodiscard]] pid_t pid() const { return m_pid; }

 private:
  pid_t m_pid;
};

class NotifySocketsTest : public ::testing::Test {
 protected:
  /// Sockets whose every service's main process is `m_main` (this test unless changed).
  test::TempDir m_tmp;
  std::atomic<pid_t> m_main = ::getpid();  ///< read by the sockets' reader thread too
  NotifySockets m_sockets{Layout{m_tmp.path()}, [this](const std::string&) {
                            return std::optional<pid_t>(m_main.load());
                          }};
};

TEST_F(NotifySocketsTest, PrepareGivesTheServiceItsSocketAndWatchdog) {
  const auto env = m_sockets.prepare("web", 10);
  ASSERT_TRUE(env) << env.error().describe();
  const auto path = m_tmp.path() / "services" / "web" / "run" / "notify.sock";
  EXPECT_EQ(env->at("NOTIFY_SOCKET"), path.string());
  EXPECT_EQ(env->at("WATCHDOG_USEC"), "10000000");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "only the owner (root) may send";
  EXPECT_FALSE(m_sockets.prepare("api", 0)->contains("WATCHDOG_USEC"));
}

TEST_F(NotifySocketsTest, ReadyFromTheMainProcessPassesAndNothingElseDoes) {
  ASSERT_TRUE(m_sockets.prepare("web", 0));
  EXPECT_FALSE(m_sockets.check("web", 0).healthy);
  ASSERT_TRUE(send_to(m_sockets.socket_path("web"), "READY=1\nSTATUS=up"));
  const ProbeResult result = m_sockets.check("web", 0);
  EXPECT_TRUE(result.healthy) << result.detail;
  EXPECT_EQ(result.detail, "READY=1 from pid " + std::to_string(::getpid()) + " (STATUS=up)");
}

TEST_F(NotifySocketsTest, ADatagramFromAnotherProcessIsIgnored) {
  // The attack: something that is not the service's main process (here this test, while the
  // main process is a child) claims readiness on the service's socket.
  const SleepingChild service;
  m_main = service.pid();
  ASSERT_TRUE(m_sockets.prepare("web", 0));
  ASSERT_TRUE(send_to(m_sockets.socket_path("web"), "READY=1"));
  ASSERT_TRUE(send_to(m_sockets.socket_path("web"),
                      "READY=1\nWATCHDOG=1\nMAINPID=" + std::to_string(::getpid())));
  const ProbeResult result = m_sockets.check("web", 0);
  EXPECT_FALSE(result.healthy) << "MAINPID= does not hand the service over either";
  EXPECT_EQ(result.detail, "waiting for READY=1 from pid " + std::to_string(service.pid()));
  EXPECT_FALSE(m_sockets.check("web", 0).healthy) << "nor later, once the reader read them";
}

TEST_F(NotifySocketsTest, ANewMainProcessMustSayReadyAgain) {
  ASSERT_TRUE(m_sockets.prepare("web", 0));
  ASSERT_TRUE(send_to(m_sockets.socket_path("web"), "READY=1"));
  ASSERT_TRUE(m_sockets.check("web", 0).healthy);
  const SleepingChild replacement;
  m_main = replacement.pid();
  EXPECT_FALSE(m_sockets.check("web", 0).healthy);
}

TEST_F(NotifySocketsTest, AReadyReadWhileTheOldProcessWasMainCountsOnceItsSenderIsMain) {
  // Socket hand-off: the candidate (this test) says READY=1 before its pid file is written,
  // while the pid lookup still names the serving process (the child).
  const SleepingChild serving;
  m_main = serving.pid();
  ASSERT_TRUE(m_sockets.prepare("web", 0));
  ASSERT_TRUE(send_to(m_sockets.socket_path("web"), "READY=1"));
  EXPECT_FALSE(m_sockets.check("web", 0).healthy) << "not the main process (yet)";
  m_main = ::getpid();
  const ProbeResult result = m_sockets.check("web", 0);
  EXPECT_TRUE(result.healthy) << result.detail;
}

TEST_F(NotifySocketsTest, AfterAFailedHandoffGateTheServingProcessCountsAsReadyAgain) {
  const SleepingChild serving;
  m_main = serving.pid();
  std::filesystem::create_directories(m_sockets.socket_path("web").parent_path());
  ASSERT_TRUE(m_sockets.check("web", 0).healthy) << "adopted: it passed its gate earlier";
  // A candidate is prepared for and never says READY=1; once it is gone the serving process
  // is the main one again.
  ASSERT_TRUE(m_sockets.prepare("web", 0));
  const SleepingChild candidate;
  m_main = candidate.pid();
  EXPECT_FALSE(m_sockets.check("web", 0).healthy);
  m_main = serving.pid();
  EXPECT_FALSE(m_sockets.check("web", 0).healthy) << "a new main process must say READY=1...";
  m_sockets.adopt("web");
  EXPECT_TRUE(m_sockets.check("web", 0).healthy) << "...unless it is the one that served";
}

TEST_F(NotifySocketsTest, AnAdoptedServiceGetsItsSocketBackAndIsNotBlamedForTheGap) {
  // An earlier agent's socket file: the service keeps sending to this path.
  ASSERT_TRUE(m_sockets.prepare("web", 1));
  const auto path = m_sockets.socket_path("web");
  NotifySockets restarted{Layout{m_tmp.path()},
                          [](const std::string&) { return std::optional<pid_t>(::getpid()); }};
  const ProbeResult first = restarted.check("web", 1);
  EXPECT_TRUE(first.healthy) << "it passed its gate under the earlier agent: " << first.detail;
  EXPECT_TRUE(send_to(path, "WATCHDOG=trigger")) << "the path is bound again";
  EXPECT_FALSE(restarted.check("web", 1).healthy) << "and what comes on it is heard";
}

TEST_F(NotifySocketsTest, OversizedDatagramsAreDroppedWhole) {
  ASSERT_TRUE(m_sockets.prepare("web", 0));
  // A READY=1 at the start of a datagram too long to read whole does not count.
  ASSERT_TRUE(send_to(m_sockets.socket_path("web"), "READY=1\n" + std::string(8000, 'x')));
  EXPECT_FALSE(m_sockets.check("web", 0).healthy);
  ASSERT_TRUE(send_to(m_sockets.socket_path("web"), "READY=1"));
  EXPECT_TRUE(m_sockets.check("web", 0).healthy);
}

TEST_F(NotifySocketsTest, AFloodStallsNeitherTheCheckNorTheSenderAndReadyBehindItIsHeard) {
  ASSERT_TRUE(m_sockets.prepare("web", 0));
  const auto path = m_sockets.socket_path("web");
  int queued = 0;
  // Until the kernel's queue is full, or 5000 (the reader thread empties it as it fills).
  while (queued < 5000 && send_to(path, "STATUS=flood")) ++queued;
  ASSERT_GT(queued, 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(m_sockets.check("web", 0).healthy);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  // A READY=1 behind the flood is heard once the flood is drained (a few checks at most).
  for (int i = 0; i < 100 && !send_to(path, "READY=1"); ++i) (void)m_sockets.check("web", 0);
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) ready = m_sockets.check("web", 0).healthy;
  EXPECT_TRUE(ready);
}

TEST_F(NotifySocketsTest, TheProbeFindsTheServiceFromItsReleaseDir) {
  ASSERT_TRUE(m_sockets.prepare("web", 0));
  ASSERT_TRUE(send_to(m_sockets.socket_path("web"), "READY=1"));
  const auto release = m_tmp.path() / "services" / "web" / "releases" / "1.0-abc";
  EXPECT_TRUE(probe_notify(NotifyProbe{}, release, &m_sockets).healthy);
  EXPECT_FALSE(probe_notify(NotifyProbe{}, m_tmp.path() / "services" / "web", &m_sockets).healthy)
      << "a container's dir is not an exec release";
  EXPECT_FALSE(probe_notify(NotifyProbe{}, release, nullptr).healthy);
}

}  // namespace
}  // namespace tether::notify_sockets_test
