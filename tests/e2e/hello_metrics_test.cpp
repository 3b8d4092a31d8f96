// The example service's request metrics (examples/hello/request_metrics.hpp): what a release
// built with FAIL_RATE 0.1 answers and counts, as Prometheus will scrape it.
#include "agent_fixture.hpp"
#include "process_guard.hpp"

#include <fstream>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class HelloMetricsTest : public AgentTest {
 protected:
  /// The release unpacked into its own dir, and a config file for `port`.
  fs::path unpack(const std::string& version, Build build, int port) {
    const fs::path dir = m_tmp / ("hello-" + version);
    fs::create_directories(dir / "etc");
    run_ok({"tar", "-xzf", release(version, build).artifact.string(), "-C", dir.string()});
    std::ofstream(dir / "etc/hello.conf") << "port=" << port << "\n";
    return dir;
  }
};

TEST_F(HelloMetricsTest, EveryTenthRequestFailsAndIsCountedByCode) {
  const int port = free_port();
  const fs::path dir = unpack("1.0.0", Build::failing_requests, port);
  const ProcessGuard guard(spawn_background(
      {(dir / "bin/hello").string(), "--config", (dir / "etc/hello.conf").string()},
      m_tmp / "hello.log"));
  ASSERT_TRUE(
      eventually([&] { return http_get(port, "/healthz") == "ok\n"; }, std::chrono::seconds(10)));
  int answered = 0;
  for (int i = 0; i < 20; ++i) answered += http_get(port, "/") == "hello 1.0.0\n" ? 1 : 0;
  EXPECT_EQ(answered, 18) << "requests 10 and 20 answer 500";
  EXPECT_EQ(http_get(port, "/healthz"), "ok\n") << "health stays green";
  const std::string metrics = http_get(port, "/metrics");
  EXPECT_NE(metrics.find("hello_requests_total{code=\"200\"} 18\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("hello_requests_total{code=\"500\"} 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("hello_request_duration_seconds_bucket{le=\"+Inf\"} 20\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("hello_request_duration_seconds_count 20\n"), std::string::npos);
  EXPECT_NE(metrics.find("hello_build_info{version=\"1.0.0\"} 1\n"), std::string::npos);
}

TEST_F(HelloMetricsTest, AFailRateOutsideZeroToOneIsRefusedAtStart) {
  const int port = free_port();
  const fs::path dir = unpack("1.0.0", Build::healthy, port);
  const CommandResult run =
      run_command({(dir / "bin/hello").string(), "--config", (dir / "etc/hello.conf").string()},
                  {},
                  std::chrono::seconds(10),
                  {{"HELLO_FAIL_RATE", "2"}});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("HELLO_FAIL_RATE must be a number from 0 to 1"), std::string::npos)
      << run.err;
}

}  // namespace
}  // namespace tether::test
