// The real probes against real loopback listeners, files and processes.
#include "health/probe.hpp"

#include "command.hpp"
#include "process/command_runner.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <future>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tether::probe_test {
namespace {

using std::chrono::steady_clock;
using ::testing::HasSubstr;

constexpr Millis k_timeout{300};
constexpr auto k_slack = std::chrono::seconds(1);

/// A TCP socket bound to 127.0.0.1:0; listening only when asked, so an unlistened one holds a
/// port where connections are refused, without racing other tests for it.
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
  ~LoopbackSocket() { close(); }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  void listen(int backlog) { EXPECT_EQ(::listen(m_fd, backlog), 0); }
  /// Closing a listener resets the connections still in its queue.
  void close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }
  [[nodiscard]] int port() const { return m_port; }
  [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }

 private:
  int m_fd;
  int m_port = 0;
};

/// An httplib server on a loopback port chosen by the kernel, answering from a thread.
class TestHttpServer {
 public:
  TestHttpServer() : m_port(m_server.bind_to_any_port("127.0.0.1")) {
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // stop() is a no-op until the server runs: returning earlier could hang the destructor.
    EXPECT_TRUE(test::eventually([this] { return m_server.is_running(); }, Millis(5000)));
  }
  ~TestHttpServer() {
    m_server.stop();
    m_thread.join();
  }
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  void answer(const std::string& path, int status, const std::string& body) {
    m_server.Get(path, [status, body](const httplib::Request&, httplib::Response& response) {
      response.status = status;
      if (status != 204) response.set_content(body, "text/plain");
    });
  }
  [[nodiscard]] std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }

 private:
  httplib::Server m_server;
  int m_port;
  std::thread m_thread;
};

/// Runs one probe through RealProber and ProcessRunner, timing it.
struct Probed {
  ProbeResult result;
  steady_clock::duration elapsed;
};

Probed run_probe(const Probe& probe, const std::filesystem::path& release_dir = {}) {
  ProcessRunner runner;
  RealProber prober(runner);
  const auto start = steady_clock::now();
  ProbeResult result = prober.probe(probe, k_timeout, release_dir);
  return {std::move(result), steady_clock::now() - start};
}

TEST(HttpProbe, HealthyOn200) {
  TestHttpServer server;
  server.answer("/healthz", 200, "ok");
  const auto [result, elapsed] = run_probe(HttpProbe{server.url("/healthz"), 200, ""});
  EXPECT_TRUE(result.healthy) << result.detail;
  EXPECT_THAT(result.detail, HasSubstr("200"));
}

TEST(HttpProbe, UnhealthyOn500NamingStatusAndUrl) {
  TestHttpServer server;
  server.answer("/healthz", 500, "boom");
  const auto [result, elapsed] = run_probe(HttpProbe{server.url("/healthz"), 200, ""});
  EXPECT_FALSE(result.healthy);
  EXPECT_THAT(result.detail, HasSubstr("500"));
  EXPECT_THAT(result.detail, HasSubstr(server.url("/healthz")));
}

TEST(HttpProbe, ExpectedStatusOtherThan200) {
  TestHttpServer server;
  server.answer("/ready", 204, "");
  server.answer("/ok", 200, "ok");
  EXPECT_TRUE(run_probe(HttpProbe{server.url("/ready"), 204, ""}).result.healthy);
  const auto [result, elapsed] = run_probe(HttpProbe{server.url("/ok"), 204, ""});
  EXPECT_FALSE(result.healthy) << "200 is not the 204 the probe expects";
  EXPECT_THAT(result.detail, HasSubstr("204"));
}

TEST(HttpProbe, BodySubstringPresentOrAbsent) {
  TestHttpServer server;
  server.answer("/healthz", 200, "{\"status\":\"serving\"}");
  EXPECT_TRUE(run_probe(HttpProbe{server.url("/healthz"), 200, "serving"}).result.healthy);
  const auto [result, elapsed] = run_probe(HttpProbe{server.url("/healthz"), 200, "ready"});
  EXPECT_FALSE(result.healthy);
  EXPECT_THAT(result.detail, HasSubstr("\"ready\""));
}

TEST(HttpProbe, ServerThatNeverAnswersTimesOut) {
  // The kernel completes the handshake into the backlog; nobody ever reads the request.
  LoopbackSocket silent;
  silent.listen(16);
  const std::string url = "http://" + silent.address() + "/healthz";
  const auto [result, elapsed] = run_probe(HttpProbe{url, 200, ""});
  EXPECT_FALSE(result.healthy);
  EXPECT_THAT(result.detail, HasSubstr(url));
  EXPECT_GE(elapsed, k_timeout - Millis(50));
  EXPECT_LT(elapsed, k_timeout + k_slack);
}

TEST(HttpProbe, NothingListeningFailsFast) {
  LoopbackSocket closed;
  const std::string url = "http://" + closed.address() + "/healthz";
  const auto [result, elapsed] = run_probe(HttpProbe{url, 200, ""});
  EXPECT_FALSE(result.healthy);
  EXPECT_THAT(result.detail, HasSubstr(url));
  EXPECT_LT(elapsed, k_timeout);
}

TEST(HttpProbe, ZeroTimeoutDoesNotWaitForever) {
  LoopbackSocket silent;
  silent.listen(16);
  auto probed = std::async(std::launch::async, [&] {
    return probe_http(HttpProbe{"http://" + silent.address() + "/", 200, ""}, Millis(0));
  });
  const bool returned = probed.wait_for(k_timeout + k_slack) == std::future_status::ready;
  silent.close();  // unblocks a hung probe so the test ends either way
  EXPECT_TRUE(returned) << "a probe with timeout 0 must not wait for ever";
  EXPECT_FALSE(probed.get().healthy);
}

/// Sets an environment variable for the scope of a test, then puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (m_old) {
      ::setenv(m_name, m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* m_name;
  std::optional<std::string> m_old;
};

TEST(HttpProbe, LoopbackProbeIgnoresTheProxyEnvironment) {
  TestHttpServer server;
  server.answer("/healthz", 200, "ok");
  LoopbackSocket no_proxy_here;
  const ScopedEnv proxy("http_proxy", "http://" + no_proxy_here.address());
  const auto [result, elapsed] = run_probe(HttpProbe{server.url("/healthz"), 200, ""});
  EXPECT_TRUE(result.healthy) << result.detail;
}

TEST(TcpProbe, ListeningPortIsHealthy) {
  LoopbackSocket listener;
  listener.listen(16);
  const auto [result, elapsed] = run_probe(TcpProbe{listener.address()});
  EXPECT_TRUE(result.healthy) << result.detail;
}

TEST(TcpProbe, ClosedPortIsRefused) {
  LoopbackSocket closed;
  const auto [result, elapsed] = run_probe(TcpProbe{closed.address()});
  EXPECT_FALSE(result.healthy);
  EXPECT_THAT(result.detail, HasSubstr(closed.address()));
  EXPECT_THAT(result.detail, HasSubstr("refused"));
  EXPECT_LT(elapsed, k_timeout);
}

/// Opens non-blocking connections to `port` until one stays in progress: Linux drops SYNs
/// once a listener's accept queue is full, so that connect never completes.
std::vector<int> fill_accept_queue(int port) {
  std::vector<int> fds;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  for (int i = 0; i < 16; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    fds.push_back(fd);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) continue;
    pollfd pfd{fd, POLLOUT, 0};
    // Still connecting after 50 ms on loopback: the SYN was dropped, the queue is full.
    if (errno == EINPROGRESS && ::poll(&pfd, 1, 50) == 0) return fds;
  }
  ADD_FAILURE() << "could not fill the accept queue of port " << port;
  return fds;
}

TEST(TcpProbe, FullAcceptQueueTimesOut) {
  LoopbackSocket listener;
  listener.listen(0);
  const std::vector<int> fds = fill_accept_queue(listener.port());
  const auto [result, elapsed] = run_probe(TcpProbe{listener.address()});
  for (const int fd : fds) ::close(fd);
  EXPECT_FALSE(result.healthy);
  EXPECT_THAT(result.detail, HasSubstr("timed out after 300ms"));
  EXPECT_GE(elapsed, k_timeout - Millis(50));
  EXPECT_LT(elapsed, k_timeout + k_slack);
}

/// A release dir with an executable `bin/check` running `script` under /bin/sh.
struct ReleaseWithCheck {
  test::TempDir dir;
  explicit ReleaseWithCheck(const std::string& script) {
    const auto check = dir / "bin/check";
    test::write_text(check, "#!/bin/sh\n" + script + "\n");
    std::filesystem::permissions(check, std::filesystem::perms::owner_all);
  }
};

TEST(ExecProbe, ExitZeroIsHealthy) {
  const auto [result, elapsed] = run_probe(ExecProbe{{"/bin/sh", "-c", "exit 0"}});
  EXPECT_TRUE(result.healthy) << result.detail;
}

TEST(ExecProbe, ExitOneIsUnhealthyWithTheStatus) {
  const auto [result, elapsed] =
      run_probe(ExecProbe{{"/bin/sh", "-c", "echo not ready >&2; exit 1"}});
  EXPECT_FALSE(result.healthy);
  EXPECT_THAT(result.detail, HasSubstr("status 1"));
  EXPECT_THAT(result.detail, HasSubstr("not ready"));
}

TEST(ExecProbe, RelativePathRunsFromTheReleaseDir) {
  // Exits 0 only when run by its absolute path, from the release dir, with its argument.
  ReleaseWithCheck release(R"([ "$0" = "$(pwd)/bin/check" ] && [ "$1" = --check ])");
  const auto [result, elapsed] = run_probe(ExecProbe{{"bin/check", "--check"}}, release.dir.path());
  EXPECT_TRUE(result.healthy) << result.detail;

  const auto [failed, failed_elapsed] = run_probe(ExecProbe{{"bin/check"}}, release.dir.path());
  EXPECT_FALSE(failed.healthy);
  EXPECT_THAT(failed.detail, HasSubstr((release.dir / "bin/check").string()));
}

/// True while `pid` exists and is not a zombie.
bool running(pid_t pid) {
  const std::string stat = test::read_text("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && stat.size() > paren + 2 && stat[paren + 2] != 'Z';
}

TEST(ExecProbe, CommandPastTheTimeoutIsKilledWithItsChildren) {
  ReleaseWithCheck release("sleep 30 & echo $! > child.pid; echo $$ > check.pid; wait");
  const auto [result, elapsed] = run_probe(ExecProbe{{"bin/check"}}, release.dir.path());
  EXPECT_FALSE(result.healthy);
  EXPECT_THAT(result.detail, HasSubstr("timed out after 300ms"));
  EXPECT_LT(elapsed, k_timeout + k_slack);
  for (const char* file : {"check.pid", "child.pid"}) {
    const std::string text = test::read_text(release.dir / file);
    ASSERT_FALSE(text.empty()) << file << " was not written before the timeout";
    const pid_t pid = std::stoi(text);
    EXPECT_TRUE(test::eventually([&] { return !running(pid); }, Millis(500))) << file;
    if (running(pid)) ::kill(pid, SIGKILL);
  }
}

TEST(ExecProbe, TimeoutHoldsWhenADescendantLeavesTheGroup) {
  ReleaseWithCheck release("setsid sh -c 'echo $$ > escaped.pid; exec sleep 5' & sleep 30");
  const auto [result, elapsed] = run_probe(ExecProbe{{"bin/check"}}, release.dir.path());
  EXPECT_FALSE(result.healthy);
  EXPECT_LT(elapsed, k_timeout + k_slack);
  if (const std::string pid = test::read_text(release.dir / "escaped.pid"); !pid.empty()) {
    ::kill(std::stoi(pid), SIGKILL);
  }
}

}  // namespace
}  // namespace tether::probe_test
