// Issue #19: a hostile artifact source cannot hold the agent. A server trickling bytes ends
// with a low-speed error within network.lowSpeedTime, the host keeps serving its last good
// release, and a fix commit is applied on the next pass; a file:// artifact that is a FIFO is
// refused at once instead of blocking the agent forever.
#include "agent_fixture.hpp"

#include <httplib.h>

#include <atomic>
#include <sys/stat.h>
#include <thread>

namespace tether::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// Announces a 20 MiB artifact and sends one byte every 200 ms, forever.
class TrickleServer {
 public:
  TrickleServer() {
    m_server.Get(".*", [this](const httplib::Request&, httplib::Response& response) {
      ++m_requests;
      response.set_content_provider(20 * 1024 * 1024,
                                    "application/octet-stream",
                                    [this](size_t, size_t, httplib::DataSink& sink) {
                                      if (m_stopping) return false;
                                      // a slow server trickles one byte per 200 ms
                                      std::this_thread::sleep_for(200ms);
                                      return sink.write("x", 1);
                                    });
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // httplib's stop() is a no-op until listening has begun: wait, or teardown could hang.
    while (!m_server.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~TrickleServer() {
    m_stopping = true;
    m_server.stop();
    m_thread.join();
  }
  [[nodiscard]] std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  [[nodiscard]] int requests() const { return m_requests; }

 private:
  httplib::Server m_server;
  std::atomic<bool> m_stopping{false};
  std::atomic<int> m_requests{0};
  int m_port = 0;
  std::thread m_thread;
};

class NetworkLimitsTest : public AgentTest {
 protected:
  /// Commits hello `version` with its artifact URL replaced by `url`.
  std::string commit_with_artifact_url(const std::string& version, const std::string& url) {
    const HelloRelease& r = release(version);
    std::string manifest = hello_manifest(r);
    const std::string file_url = "file://" + r.artifact.string();
    manifest.replace(manifest.find(file_url), file_url.size(), url);
    m_repo->write("services/hello.yaml", manifest);
    return m_repo->commit("hello " + version + " from " + url);
  }

  fs::path agent_yaml() {
    const fs::path file = m_tmp / "agent.yaml";
    write_text(file,
               "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                   "\"}\npoll: {jitter: \"0%\"}\n"  // the first poll at once
                   "network: {lowSpeedBytesPerSecond: 100, lowSpeedTime: 2s}\n");
    return file;
  }

  std::string last_error() const {
    const auto entries = journal(m_root);
    return entries.empty() ? "" : entries.back().value("error", "");
  }
};

TEST_F(NetworkLimitsTest, ATricklingArtifactServerEndsWithALowSpeedErrorAndAFixIsApplied) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  TrickleServer trickle;
  commit_with_artifact_url("2.0.0", trickle.url("/hello-2.0.0.tar.gz"));
  const auto start = std::chrono::steady_clock::now();
  start_daemon("1h", 0, {"--config", agent_yaml().string()});
  ASSERT_TRUE(eventually([&] { return last_error().find("bytes/s") != std::string::npos; }, 20s))
      << daemon_log();
  // lowSpeedTime 2s (libcurl checks each second): the error well before the 2 min deadline.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 12s);
  EXPECT_NE(last_error().find(trickle.url("/hello-2.0.0.tar.gz")), std::string::npos)
      << last_error();
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "1.0.0 keeps serving";

  commit_hello("2.0.0");  // the fix: the artifact from where it really is
  ::kill(m_daemon_pid, SIGHUP);
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n")) << daemon_log();
  const auto stop_start = std::chrono::steady_clock::now();
  EXPECT_EQ(stop_daemon(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, 5s);
}

TEST_F(NetworkLimitsTest, SigtermMidTrickleStopsTheAgentWithinFiveSeconds) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  TrickleServer trickle;
  commit_with_artifact_url("2.0.0", trickle.url("/hello-2.0.0.tar.gz"));
  const fs::path quiet = m_tmp / "quiet.yaml";  // a download that would run for a minute
  write_text(quiet,
             "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                 "\"}\npoll: {jitter: \"0%\"}\n"
                 "network: {lowSpeedBytesPerSecond: 1, lowSpeedTime: 1m}\n");
  start_daemon("1h", 0, {"--config", quiet.string()});
  // The request reached the server: the agent is inside the download.
  ASSERT_TRUE(eventually([&] { return trickle.requests() > 0; }, 20s)) << daemon_log();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(stop_daemon(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
}

TEST_F(NetworkLimitsTest, AFifoFileArtifactIsRefusedAtOnceNamingTheUrl) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const fs::path fifo = m_tmp / "hello-2.0.0.tar.gz";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  commit_with_artifact_url("2.0.0", "file://" + fifo.string());
  const auto start = std::chrono::steady_clock::now();
  const CommandResult run = tether({"run", "--once"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("file://" + fifo.string()), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("is a FIFO, not a regular file"), std::string::npos) << run.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");

  commit_hello("2.0.0");
  EXPECT_EQ(tether({"run", "--once"}).exit_code, 0);
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

}  // namespace
}  // namespace tether::test
