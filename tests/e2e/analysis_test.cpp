// Metric analysis after a switch (docs/analysis.md), end to end: the real tether daemon, a real
// git daemon, real hello processes under load from a thread of this test, and a real Prometheus
// started here that scrapes hello every second. A good release bakes (shown as "baking" on
// /status, never "converged" before) and stays; a release that answers 10 % of requests with 500
// while /healthz stays green is rolled back by its error-rate query, quarantined, journaled with
// the query, its value and its condition, and its revert is proposed.
#include "agent_fixture.hpp"
#include "prometheus_server.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

namespace tether::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

/// Requests GET / about 50 times a second until destroyed, so rates exist during a bake.
class Load {
 public:
  explicit Load(int port)
      : m_thread([this, port] {
          while (!m_stop) {
            (void)http_get(port, "/");
            std::this_thread::sleep_for(milliseconds(20));
          }
        }) {}
  ~Load() {
    m_stop = true;
    m_thread.join();
  }
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

 private:
  std::atomic<bool> m_stop = false;
  std::thread m_thread;
};

class AnalysisTest : public AgentTest {
 protected:
  /// services/hello.yaml for `version` with an error-rate analysis, committed.
  std::string commit_with_analysis(const std::string& version,
                                   Build build,
                                   const std::string& bake = "4s",
                                   const std::string& interval = "1s") {
    const HelloRelease& r = release(version, build);
    m_repo->write("config/hello/hello.conf",
                  "port=" + std::to_string(m_port) + "\nmessage=hello\n");
    m_repo->write(
        "services/hello.yaml",
        hello_manifest(r) + "  analysis:\n    bake: " + bake + "\n    interval: " + interval +
            "\n    queries:\n"
            "      - name: error-rate\n"
            "        query: 'sum(rate(hello_requests_total{host=\"{{host}}\",code=~\"5..\"}[5s])) "
            "/ sum(rate(hello_requests_total{host=\"{{host}}\"}[5s]))'\n"
            "        condition: \"< 0.01\"\n"
            "        noData: wait\n");
    return m_repo->commit("hello " + version + " with analysis");
  }

  [[nodiscard]] nlohmann::json status() const {
    const std::string body = http_get(m_api_port, "/status");
    return body.empty() ? nlohmann::json() : nlohmann::json::parse(body, nullptr, false);
  }

  /// hello's entry in GET /status (null when absent).
  [[nodiscard]] nlohmann::json hello_status() const {
    const nlohmann::json document = status();
    if (!document.is_object() || !document.contains("services")) return nullptr;
    for (const nlohmann::json& service : document["services"]) {
      if (service.value("service", "") == "hello") return service;
    }
    return nullptr;
  }

  int m_api_port = free_port();
};

TEST_F(AnalysisTest, AGoodReleaseBakesAndStaysARegressingOneIsRolledBackAndProposedForRevert) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  PrometheusServer prometheus(
      m_tmp / "prometheus", "127.0.0.1:" + std::to_string(m_port), "e2e-host");
  const Load load(m_port);
  ASSERT_TRUE(eventually([&] { return prometheus.target_up(); }, seconds(10)));

  const fs::path config = m_tmp / "agent.yaml";
  std::ofstream(config) << "apiVersion: tether.dev/v1\nkind: Agent\n"
                        << "repo: {url: \"" << repo_url() << "\", branch: main}\n"
                        << "prometheus: {url: \"" << prometheus.url() << "\", timeout: 2s}\n"
                        << "proposeRevert: {enabled: true}\n";
  start_daemon("500ms", m_api_port, {"--config", config.string()});
  ASSERT_TRUE(eventually([&] { return !status().is_null(); }, seconds(10))) << daemon_log();

  // 2.0.0: shown as baking (with its query) while the bake runs, then converged, and it stays.
  const std::string good = commit_with_analysis("2.0.0", Build::healthy);
  nlohmann::json baking;
  nlohmann::json baking_document;
  ASSERT_TRUE(eventually(
      [&] {
        baking_document = status();
        baking = hello_status();
        return baking.is_object() && baking.value("state", "") == "baking";
      },
      seconds(15)))
      << daemon_log();
  EXPECT_EQ(baking["analysis"]["version"], "2.0.0") << baking.dump();
  expect_valid_status(baking_document.dump());
  EXPECT_EQ(hello_says(), "hello 2.0.0\n") << "the new release serves while it bakes";
  std::string metrics_while_baking = http_get(m_api_port, "/metrics");
  EXPECT_NE(metrics_while_baking.find("tether_analysis_baking{service=\"hello\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics_while_baking.find("tether_converged{service=\"hello\"} 0"), std::string::npos)
      << metrics_while_baking;
  ASSERT_TRUE(eventually(
      [&] {
        const nlohmann::json document = status();
        const nlohmann::json hello = hello_status();
        return hello.is_object() && hello.value("state", "") == "converged" &&
               document.value("desiredCommit", "") == good;
      },
      seconds(15)))
      << daemon_log();
  EXPECT_NE(daemon_log().find("bake passed"), std::string::npos) << daemon_log();
  EXPECT_EQ(hello_says(), "hello 2.0.0\n");
  const std::string metrics = http_get(m_api_port, "/metrics");
  EXPECT_NE(metrics.find("tether_analysis_value{service=\"hello\",query=\"error-rate\"} 0"),
            std::string::npos)
      << metrics;

  // 3.0.0: /healthz green, every 10th GET / a 500. Rolled back by the analysis.
  const std::string bad = commit_with_analysis("3.0.0", Build::failing_requests);
  ASSERT_TRUE(eventually([&] { return hello_says() == "hello 3.0.0\n"; }, seconds(15)))
      << daemon_log();
  const auto switched = steady_clock::now();
  // interval 1 s + scrape 1 s + 5 s.
  ASSERT_TRUE(eventually([&] { return hello_says() == "hello 2.0.0\n"; }, seconds(7)))
      << daemon_log();
  std::cout << "3.0.0 rolled back by its analysis "
            << std::chrono::duration_cast<milliseconds>(steady_clock::now() - switched).count()
            << " ms after it served\n";

  ASSERT_TRUE(eventually(
      [&] {
        const nlohmann::json hello = hello_status();
        return hello.is_object() && hello.value("state", "") == "quarantined";
      },
      seconds(10)))
      << daemon_log();
  bool journaled = false;
  for (const nlohmann::json& entry : journal(m_root)) {
    if (entry.value("action", "") != "auto-rollback") continue;
    const std::string reason = entry.value("reason", "");
    journaled = reason.find("analysis query error-rate = ") != std::string::npos &&
                reason.find("needs < 0.01") != std::string::npos;
    EXPECT_TRUE(journaled) << entry.dump();
    EXPECT_EQ(entry["to"]["version"], "2.0.0") << entry.dump();
  }
  EXPECT_TRUE(journaled) << "an auto-rollback entry naming the query";
  const std::string branch = "refs/heads/tether/revert-" + bad.substr(0, 12);
  EXPECT_TRUE(eventually(
      [&] {
        return run_ok({"git", "ls-remote", repo_url()}).find(branch) != std::string::npos;
      },
      seconds(10)))
      << "the revert is proposed\n"
      << daemon_log();
  EXPECT_NE(http_get(m_api_port, "/metrics")
                .find("tether_analysis_breaches_total{service=\"hello\",query=\"error-rate\"} 1"),
            std::string::npos);
  EXPECT_EQ(stop_daemon(), 0);
}

TEST_F(AnalysisTest, AnUnreachablePrometheusNeverPassesTheBake) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const int closed = free_port();  // nothing listens there
  const fs::path config = m_tmp / "agent.yaml";
  std::ofstream(config) << "apiVersion: tether.dev/v1\nkind: Agent\n"
                        << "repo: {url: \"" << repo_url() << "\", branch: main}\n"
                        << "prometheus: {url: \"http://127.0.0.1:" << closed
                        << "\", timeout: 1s}\n";
  commit_with_analysis("2.0.0", Build::healthy, "2s", "1s");
  const CommandResult run = tether({"run", "--once", "--config", config.string()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("analysis query error-rate failed: cannot ask Prometheus at "
                         "http://127.0.0.1:" +
                         std::to_string(closed)),
            std::string::npos)
      << run.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "the last good release serves";
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("quarantined"), std::string::npos) << status.out;
}

TEST_F(AnalysisTest, SigtermDuringABakeStopsAtOnceAndTheNextStartBakesAgain) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  // No query is due before the SIGTERMs (interval 20s): no Prometheus needed, none listening.
  const fs::path config = m_tmp / "agent.yaml";
  std::ofstream(config) << "apiVersion: tether.dev/v1\nkind: Agent\n"
                        << "repo: {url: \"" << repo_url() << "\", branch: main}\n"
                        << "prometheus: {url: \"http://127.0.0.1:" << free_port() << "\"}\n";
  commit_with_analysis("2.0.0", Build::healthy, "40s", "20s");
  const auto wait_baking = [&] {
    return eventually(
        [&] {
          const nlohmann::json hello = hello_status();
          return hello.is_object() && hello.value("state", "") == "baking";
        },
        seconds(15));
  };
  for (int start = 1; start <= 2; ++start) {
    start_daemon("500ms", m_api_port, {"--config", config.string()});
    ASSERT_TRUE(wait_baking()) << "start " << start << "\n" << daemon_log();
    EXPECT_EQ(hello_says(), "hello 2.0.0\n");
    const auto asked = steady_clock::now();
    EXPECT_EQ(stop_daemon(), 0) << daemon_log();
    const auto took = steady_clock::now() - asked;
    std::cout << "SIGTERM during a bake: stopped in "
              << std::chrono::duration_cast<milliseconds>(took).count() << " ms\n";
    EXPECT_LT(took, seconds(5));
    for (const nlohmann::json& entry : journal(m_root)) {
      EXPECT_FALSE(entry.value("action", "") == "quarantine" ||
                   (entry.value("result", "") == "ok" && entry["to"].is_object() &&
                    entry["to"].value("version", "") == "2.0.0"))
          << "a stopped bake is neither a pass nor a failure: " << entry.dump();
    }
  }
  EXPECT_NE(daemon_log().find("undo"), std::string::npos)
      << "the second start undid the unsettled switch first\n"
      << daemon_log();
}

}  // namespace
}  // namespace tether::test
