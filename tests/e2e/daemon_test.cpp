// The agent as a daemon: it converges after each push without a restart, a second agent on the
// same root is refused by the lock, and a crashed service is restarted.
#include "agent_fixture.hpp"
#include "pass_counter.hpp"

#include <boost/process.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

namespace bp = boost::process;

class DaemonTest : public AgentTest {
 protected:
  /// `tether run --interval INTERVAL [extra...]` in the background, its log in m_tmp/agent.log.
  bp::child start_agent(const std::string& interval, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"run",
                                     "--interval",
                                     interval,
                                     "--repo",
                                     repo_url(),
                                     "--root",
                                     m_root.string(),
                                     "--host-id",
                                     "e2e-host"};
    args.insert(args.end(), extra.begin(), extra.end());
    return bp::child(TETHER_BIN,
                     bp::args = args,
                     bp::std_out > bp::null,
                     bp::std_err > (m_tmp / "agent.log").string());
  }  /// SIGTERM, as an init system stops it; returns the exit status.
  static int stop_agent(bp::child& agent) {
    ::kill(agent.id(), SIGTERM);
    agent.wait();
    return agent.exit_code();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "agent log:\n" << read_text(m_tmp / "agent.log");
  }
};

TEST_F(DaemonTest, ConvergesAfterEachPushAndRollsBack) {
  commit_hello("1.0.0");
  bp::child agent = start_agent("1s");
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));

  const std::string v2 = commit_hello("2.0.0");
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));

  // One agent per root: a second one is refused while the daemon holds the lock.
  const CommandResult second = tether({"run", "--once"});
  EXPECT_EQ(second.exit_code, 5) << "its own exit status: another agent holds the lock";
  EXPECT_NE(second.err.find("another tether agent holds"), std::string::npos) << second.err;

  m_repo->revert(v2);
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_TRUE(agent.running()) << "converged without restarting the agent";

  EXPECT_EQ(stop_agent(agent), 0);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "services outlive the agent";
}

/// The NUL-separated environment a process started with, as "KEY=VALUE" lines.
std::string environment_of(pid_t pid) {
  std::string env = read_text(std::filesystem::path("/proc") / std::to_string(pid) / "environ");
  std::replace(env.begin(), env.end(), '\0', '\n');
  return env;
}

TEST_F(DaemonTest, ReexecutesWithoutTlsInitAndServicesInheritTheOperatorsEnvironment) {
  commit_hello("1.0.0");
  bp::child agent = start_agent("500ms");
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  // The daemon re-executed itself in place (same pid) with gnutls' switch set for its start...
  const std::string daemon_env = environment_of(agent.id());
  EXPECT_NE(daemon_env.find("GNUTLS_NO_IMPLICIT_INIT=1\n"), std::string::npos) << daemon_env;
  // ...under its own name, so that ps, top and pgrep still find "tether".
  EXPECT_EQ(read_text("/proc/" + std::to_string(agent.id()) + "/comm"), "tether\n");
  // ...and removed it again: the service it started sees neither variable.
  const pid_t service = nlohmann::json::parse(read_text(m_root / "services/hello/run/exec.pid"))
                            .at("pid")
                            .get<pid_t>();
  const std::string service_env = environment_of(service);
  EXPECT_NE(service_env.find("PATH="), std::string::npos) << service_env;
  EXPECT_EQ(service_env.find("GNUTLS_NO_IMPLICIT_INIT"), std::string::npos) << service_env;
  EXPECT_EQ(service_env.find("TETHER_REEXECUTED"), std::string::npos) << service_env;
  EXPECT_TRUE(agent.running());
  EXPECT_EQ(stop_agent(agent), 0);
}

TEST_F(DaemonTest, RestartsACrashedServiceAndKeepsItsLogs) {
  commit_hello("1.0.0");
  bp::child agent = start_agent("500ms");
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  // Let the install finish its health gate before crashing the service.
  ASSERT_TRUE(eventually([this] { return !read_text(m_root / "state/journal.jsonl").empty(); },
                         std::chrono::seconds(10)));
  const auto pid_file = [this] { return read_text(m_root / "services/hello/run/exec.pid"); };
  const std::string first = pid_file();
  ::kill(nlohmann::json::parse(first).at("pid").get<pid_t>(), SIGKILL);
  EXPECT_TRUE(eventually(
      [&] { return pid_file() != first && !pid_file().empty() && hello_says() == "hello 1.0.0\n"; },
      std::chrono::seconds(15)));
  // Both runs wrote their start-up line into the service log.
  const std::string log = read_text(m_root / "services/hello/log/service.log");
  EXPECT_GE(std::count(log.begin(), log.end(), '\n'), 2) << log;
  stop_agent(agent);
}

TEST_F(DaemonTest, ServesHealthStatusAndPrometheusMetrics) {
  commit_hello("1.0.0");
  const int api_port = free_port();
  bp::child agent = start_agent("500ms", {"--api-listen", "127.0.0.1:" + std::to_string(api_port)});
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_EQ(http_get(api_port, "/healthz"), "ok\n");

  std::string metrics;
  ASSERT_TRUE(eventually(
      [&] {
        metrics = http_get(api_port, "/metrics");
        return metrics.find("tether_converged{service=\"hello\"} 1") != std::string::npos;
      },
      std::chrono::seconds(15)))
      << metrics;
  EXPECT_NE(metrics.find("tether_service_info{service=\"hello\",version=\"1.0.0\""),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tether_reconcile_duration_seconds_count"), std::string::npos);
  EXPECT_NE(metrics.find("tether_rollbacks_total 0"), std::string::npos);
  write_text(m_tmp / "metrics.txt", metrics);
  const CommandResult check = run_command(
      {"/bin/sh", "-c", "promtool check metrics < " + (m_tmp / "metrics.txt").string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << metrics;

  const std::string status_text = http_get(api_port, "/status");
  const auto status = nlohmann::json::parse(status_text);
  ASSERT_EQ(status["services"].size(), 1u);
  EXPECT_EQ(status["host"], "e2e-host");
  EXPECT_EQ(status["lastPass"]["outcome"], "converged");
  EXPECT_EQ(status["services"][0]["service"], "hello");
  EXPECT_EQ(status["services"][0]["current"]["version"], "1.0.0");
  EXPECT_EQ(status["services"][0]["desired"]["version"], "1.0.0");
  EXPECT_EQ(status["services"][0]["state"], "converged");
  write_text(m_tmp / "status.json", status_text);
  const CommandResult valid =
      run_command({"/usr/bin/python3",
                   std::string(TETHER_SOURCE_DIR) + "/tests/schema/validate_json.py",
                   std::string(TETHER_SOURCE_DIR) + "/manifests-schema/status.schema.json",
                   (m_tmp / "status.json").string()});
  EXPECT_EQ(valid.exit_code, 0) << valid.err << status_text;
  EXPECT_EQ(stop_agent(agent), 0);
}

/// A counter's value in Prometheus text, or -1 when it is absent.
long long counter(const std::string& metrics, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const size_t at = metrics.find(key);
  return at == std::string::npos ? -1 : std::stoll(metrics.substr(at + key.size()));
}

// What examples/monitoring/tether-alerts.yml alerts on after a bad release: the rollback
// counter and the quarantine gauge, from a real daemon.
TEST_F(DaemonTest, MetricsShowTheAutoRollbackAndTheQuarantine) {
  const int api_port = free_port();
  commit_hello("1.0.0");
  bp::child agent = start_agent("500ms", {"--api-listen", "127.0.0.1:" + std::to_string(api_port)});
  std::string metrics;
  ASSERT_TRUE(eventually(
      [&] {
        metrics = http_get(api_port, "/metrics");
        return metrics.find("tether_converged{service=\"hello\"} 1") != std::string::npos;
      },
      std::chrono::seconds(20)))
      << metrics;
  EXPECT_NE(metrics.find("tether_quarantined{service=\"hello\"} 0\n"), std::string::npos)
      << metrics;

  commit_hello("3.0.0", Build::broken_health);
  EXPECT_TRUE(eventually(
      [&] {
        metrics = http_get(api_port, "/metrics");
        return metrics.find("tether_quarantined{service=\"hello\"} 1\n") != std::string::npos;
      },
      std::chrono::seconds(30)))
      << metrics;
  EXPECT_NE(metrics.find("\ntether_rollbacks_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("tether_converged{service=\"hello\"} 0\n"), std::string::npos) << metrics;
  EXPECT_EQ(stop_agent(agent), 0);
}

TEST_F(DaemonTest, QuietPollsNeitherFetchNorParseNorReHash) {
  commit_hello("1.0.0");
  const int api_port = free_port();
  bp::child agent = start_agent("100ms", {"--api-listen", "127.0.0.1:" + std::to_string(api_port)});
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  ASSERT_TRUE(eventually(
      [&] {
        return http_get(api_port, "/metrics").find("tether_converged{service=\"hello\"} 1") !=
               std::string::npos;
      },
      std::chrono::seconds(15)));
  const std::string before = http_get(api_port, "/metrics");
  const long long polls = counter(before, "tether_git_polls_total");
  ASSERT_GE(polls, 1) << before;
  std::string after;
  ASSERT_TRUE(eventually(
      [&] {
        after = http_get(api_port, "/metrics");
        return counter(after, "tether_git_polls_total") >= polls + 5;
      },
      std::chrono::seconds(15)))
      << after;
  for (const char* name : {"tether_git_fetches_total",
                           "tether_manifest_loads_total",
                           "tether_release_files_hashed_total"}) {
    EXPECT_EQ(counter(after, name), counter(before, name)) << name << " moved on quiet polls";
  }
  EXPECT_EQ(counter(after, "tether_git_fetches_total"), 1) << "one fetch for the one commit";

  // A new commit costs exactly one more fetch and one more manifest load.
  commit_hello("2.0.0");
  ASSERT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  ASSERT_TRUE(eventually(
      [&] { return counter(http_get(api_port, "/metrics"), "tether_manifest_loads_total") == 2; },
      std::chrono::seconds(10)));
  EXPECT_EQ(counter(http_get(api_port, "/metrics"), "tether_git_fetches_total"), 2);
  EXPECT_EQ(stop_agent(agent), 0);
}

TEST_F(DaemonTest, CountsPollErrorsWhileTheGitServerIsDownAndKeepsServing) {
  commit_hello("1.0.0");
  const int api_port = free_port();
  bp::child agent = start_agent("200ms", {"--api-listen", "127.0.0.1:" + std::to_string(api_port)});
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  const int git_port = m_daemon->port();
  m_daemon.reset();  // the git server goes away
  const auto poll_errors = [&] {
    return counter(http_get(api_port, "/metrics"), "tether_git_poll_errors_total");
  };
  EXPECT_TRUE(eventually([&] { return poll_errors() >= 2; }, std::chrono::seconds(15)));
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "the host keeps serving";
  const auto status = nlohmann::json::parse(http_get(api_port, "/status"));
  EXPECT_EQ(status["lastPass"]["outcome"], "unreachable") << status.dump(2);

  // The server comes back with a new release: the agent recovers without a restart.
  commit_hello("2.0.0");
  m_daemon = std::make_unique<GitDaemon>(m_tmp / "git", git_port);
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  EXPECT_TRUE(agent.running());
  EXPECT_EQ(stop_agent(agent), 0);
}

/// "sha256=<hex>": the X-Hub-Signature-256 a Git server sends for `body` (computed with the
/// openssl CLI, independently of the agent's code).
std::string hub_signature(const std::filesystem::path& scratch,
                          const std::string& secret,
                          const std::string& body) {
  write_text(scratch / "body", body);
  const std::string out =
      run_ok({"openssl", "dgst", "-sha256", "-hmac", secret, (scratch / "body").string()});
  return "sha256=" + out.substr(out.rfind(' ') + 1, 64);
}

TEST_F(DaemonTest, SignedWebhookPollsAtOnceAndABadSignatureGets401) {
  commit_hello("1.0.0");
  write_text(m_tmp / "webhook.secret", "s3cret-for-tests\n");
  const std::filesystem::path config = m_tmp / "agent.yaml";
  write_text(config,
             "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                 "\"}\napi: {webhookSecretFile: " + (m_tmp / "webhook.secret").string() + "}\n");
  const int api_port = free_port();
  bp::child agent = start_agent(
      "60s",
      {"--config", config.string(), "--api-listen", "127.0.0.1:" + std::to_string(api_port)});
  ASSERT_TRUE(eventually([&] { return http_get(api_port, "/healthz") == "ok\n"; },
                         std::chrono::seconds(10)));
  httplib::Client api("127.0.0.1", api_port);
  const std::string body = R"({"ref":"refs/heads/main"})";
  const auto post = [&](const std::string& signature) {
    httplib::Headers headers;
    if (!signature.empty()) headers.emplace("X-Hub-Signature-256", signature);
    const auto response = api.Post("/sync", headers, body, "application/json");
    return response ? response->status : -1;
  };
  // Each webhook accepted wakes the loop with one SIGHUP, which it logs as it takes it.
  const auto polls_asked = [&] {
    const std::string log = read_text(m_tmp / "agent.log");
    size_t count = 0;
    for (size_t at = log.find("SIGHUP: polling now"); at != std::string::npos;
         at = log.find("SIGHUP: polling now", at + 1)) {
      ++count;
    }
    return count;
  };
  // Returns once the loop has taken every signal sent to it before: two rounds of a SIGUSR1
  // (a pass, as from the health watch) and the pass counter moving on. The first round may
  // end with a pass that was already running; the second one's pass started after it. Signals
  // of one kind coalesce while pending, and the loop takes SIGHUP before SIGUSR1.
  const auto loop_took_every_signal = [&] {
    for (int round = 0; round < 2; ++round) {
      const long long before = passes_finished(api_port);
      ::kill(agent.id(), SIGUSR1);
      ASSERT_TRUE(passes_eventually_reach(api_port, before, 1, std::chrono::seconds(20)));
    }
  };
  // Let the first (jittered) pass converge 1.0.0; then only webhooks can bring 2.0.0 in time.
  ASSERT_EQ(post(hub_signature(m_tmp.path(), "s3cret-for-tests", body)), 202);
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  ASSERT_NO_FATAL_FAILURE(loop_took_every_signal());
  ASSERT_EQ(polls_asked(), 1u);

  EXPECT_EQ(post(""), 401) << "no signature";
  EXPECT_EQ(post(hub_signature(m_tmp.path(), "wrong-secret", body)), 401) << "wrong secret";
  ASSERT_NO_FATAL_FAILURE(loop_took_every_signal());
  EXPECT_EQ(polls_asked(), 1u) << "a refused webhook wakes nothing";
  commit_hello("2.0.0");

  const auto pushed = std::chrono::steady_clock::now();
  ASSERT_EQ(post(hub_signature(m_tmp.path(), "s3cret-for-tests", body)), 202);
  ASSERT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - pushed);
  EXPECT_TRUE(eventually([&] { return polls_asked() == 2; }, std::chrono::seconds(10)))
      << polls_asked() << " SIGHUPs taken: the accepted webhook woke the loop";
  // The webhook brought 2.0.0 in, not the schedule: the first poll's jittered wait (at most
  // 6 s) ended with the first webhook, the next scheduled poll is 60 s after it. No tighter
  // wall-clock bound: under ASan (scripts/test.sh) on a loaded machine the switch's health
  // checks alone can take longer than any bound that is meaningful unsanitized.
  EXPECT_LT(took, std::chrono::seconds(50)) << "converged " << took.count() << " ms after it";
  std::cout << "webhook to converged: " << took.count() << " ms\n";
  EXPECT_EQ(stop_agent(agent), 0);
}

}  // namespace
}  // namespace tether::test
