// Issue #21 acceptance 2: rollouts in waves (`spec.rollout.steps`, docs/staged-rollout.md)
// across 20 real agents, one git daemon and one real Prometheus scraping every agent and every
// hello, with the steps compressed to seconds. A good release reaches every host in wave order
// and no host takes it before its wave is due (the journals' own times against the commit's);
// a bad one (10 % of requests answer 500) is caught by the fleet analysis over the hosts of
// the first wave (joined with tether_service_info on the new version): the first wave rolls
// back, no later host ever installs it, and exactly one revert branch is proposed.
#include "agent_fixture.hpp"
#include "prometheus_server.hpp"

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <signal.h>
#include <thread>

namespace tether::test {
namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int k_hosts = 20;
/// Seconds after the first wave of the bad release: the fleet analysis must see its breach
/// before the last wave is due (under ASan its rates lag 15-25 s here).
constexpr int k_bad_first_pause = 40;
/// Seconds after the first wave of the good release: long enough that a first-wave host
/// installs it well before the second wave is due (the order this test asserts).
constexpr int k_good_first_pause = 8;
constexpr int k_second_pause = 4;  ///< seconds

/// The rollout bucket computed with coreutils rather than tether (as fleet_rollout_test does).
int bucket_of(const std::string& host, const std::string& service) {
  const std::string digest =
      run_ok({"/bin/sh", "-c", "printf '%s' \"$0\" | sha256sum", host + "/" + service});
  return static_cast<int>(std::stoull(digest.substr(0, 16), nullptr, 16) % 100);
}

/// "2026-12-07T15:13:03.123Z" -> milliseconds since the epoch.
long long epoch_ms(const std::string& rfc3339) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(rfc3339.c_str(),
                  "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ",
                  &tm.tm_year,
                  &tm.tm_mon,
                  &tm.tm_mday,
                  &tm.tm_hour,
                  &tm.tm_min,
                  &tm.tm_sec,
                  &ms) != 7)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(timegm(&tm)) * 1000 + ms;
}

/// GET / on every port, about 20 times a second each, until destroyed: rates for Prometheus.
class FleetLoad {
 public:
  explicit FleetLoad(std::vector<int> ports)
      : m_thread([this, ports = std::move(ports)] {
          while (!m_stop) {
            for (int port : ports) (void)http_get(port, "/");
            std::this_thread::sleep_for(milliseconds(50));
          }
        }) {}
  ~FleetLoad() {
    m_stop = true;
    m_thread.join();
  }
  FleetLoad(const FleetLoad&) = delete;
  FleetLoad& operator=(const FleetLoad&) = delete;

 private:
  std::atomic<bool> m_stop = false;
  std::thread m_thread;
};

struct WaveHost {
  std::string id;
  int bucket = 0;
  int wave = 0;  ///< 0-based
  int port = 0;
  int api_port = 0;
  fs::path root;
  bp::child agent;
};

/// `count` distinct ports below the kernel's ephemeral range (32768 and up): a port picked with
/// bind(0) and closed again can become the local port of any outgoing connection before hello
/// listens on it, and 20 agents, Prometheus and the load open many (a first-wave hello once
/// found its port taken and never installed a release).
std::vector<int> fleet_ports(size_t count) {
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> range(20000, 32000);
  std::set<int> picked;
  while (picked.size() < count) {
    const int port = range(random);
    if (!picked.contains(port) && !port_accepts(port)) picked.insert(port);
  }
  std::vector<int> ports(picked.begin(), picked.end());
  std::shuffle(ports.begin(), ports.end(), random);
  return ports;
}

class RolloutWavesTest : public AgentTest {
 protected:
  RolloutWavesTest() {
    const std::vector<int> ports = fleet_ports(2 * k_hosts);
    for (int i = 1; i <= k_hosts; ++i) {
      WaveHost host;
      host.id = "web-" + std::to_string(i);
      host.bucket = bucket_of(host.id, "hello");
      host.port = ports[2 * (i - 1)];
      host.api_port = ports[2 * (i - 1) + 1];
      host.root = m_tmp / ("root-" + host.id);
      m_hosts.push_back(std::move(host));
    }
    // Three waves from the buckets: the lowest 4 hosts, the next 6, the rest.
    std::vector<int> buckets;
    for (const WaveHost& host : m_hosts) buckets.push_back(host.bucket);
    std::sort(buckets.begin(), buckets.end());
    m_first = buckets[3] + 1;
    m_second = std::max(buckets[9] + 1, m_first + 1);
    for (WaveHost& host : m_hosts)
      host.wave = host.bucket < m_first ? 0 : host.bucket < m_second ? 1 : 2;
  }

  ~RolloutWavesTest() override {
    for (WaveHost& host : m_hosts) {
      if (host.agent.valid() && host.agent.running()) {
        ::kill(host.agent.id(), SIGTERM);
        host.agent.wait();
      }
      std::error_code ec;
      for (const auto& service : fs::directory_iterator(host.root / "services", ec)) {
        const std::string text = read_text(service.path() / "run" / "exec.pid");
        if (!text.empty()) ::kill(-nlohmann::json::parse(text).at("pid").get<pid_t>(), SIGKILL);
      }
    }
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (const WaveHost& host : m_hosts) {
      std::cerr << "--- " << host.id << " (bucket " << host.bucket << ", wave " << host.wave + 1
                << ") log:\n"
                << read_text(m_tmp / (host.id + ".log"));
    }
  }

  /// hello `version` for every host, in waves after `first_pause` seconds when given,
  /// committed; its commit.
  std::string commit_release(const std::string& version,
                             Build build,
                             std::optional<int> first_pause) {
    const bool waves = first_pause.has_value();
    for (const WaveHost& host : m_hosts) write_hello_host(host.id, host.port);
    m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\n");
    std::string manifest = hello_manifest(release(version, build));
    if (waves) {
      manifest += "  rollout:\n    steps:\n      - {percent: " + std::to_string(m_first) +
                  ", pause: " + std::to_string(*first_pause) +
                  "s}\n      - {percent: " + std::to_string(m_second) +
                  ", pause: " + std::to_string(k_second_pause) +
                  "s}\n      - {percent: 100}\n"
                  "    analysis:\n      queries:\n"
                  "        - name: fleet-error-ratio\n"
                  "          query: 'sum(rate(hello_requests_total{code=~\"5..\"}[5s]) * on(host) "
                  "group_left max by (host) (tether_service_info{service=\"hello\","
                  "version=\"{{version}}\"})) / sum(rate(hello_requests_total[5s]) * on(host) "
                  "group_left max by (host) (tether_service_info{service=\"hello\","
                  "version=\"{{version}}\"}))'\n"
                  "          condition: \"< 0.02\"\n"
                  "          noData: pass\n";
    }
    m_repo->write("services/hello.yaml", manifest);
    return m_repo->commit("hello " + version + (waves ? " in waves" : ""));
  }

  /// The committer time of `commit`, Unix seconds: what the waves count from.
  long long commit_time(const std::string& commit) const {
    return std::stoll(
        run_ok({"git", "-C", m_repo->work().string(), "log", "-1", "--format=%ct", commit}));
  }

  long long due_ms(const WaveHost& host, long long start, int first_pause) const {
    const int offset = host.wave == 0   ? 0
                       : host.wave == 1 ? first_pause
                                        : first_pause + k_second_pause;
    return (start + offset) * 1000;
  }

  void start_agents(const std::string& prometheus_url) {
    for (WaveHost& host : m_hosts) {
      const fs::path config = m_tmp / (host.id + ".yaml");
      std::ofstream(config) << "apiVersion: tether.dev/v1\nkind: Agent\n"
                            << "repo: {url: \"" << repo_url() << "\", branch: main}\n"
                            << "prometheus: {url: \"" << prometheus_url << "\", timeout: 2s}\n"
                            << "proposeRevert: {enabled: true}\n";
      host.agent = bp::child(TETHER_BIN,
                             bp::args = {"run",
                                         "--config",
                                         config.string(),
                                         "--interval",
                                         "500ms",
                                         "--root",
                                         host.root.string(),
                                         "--host-id",
                                         host.id,
                                         "--api-listen",
                                         "127.0.0.1:" + std::to_string(host.api_port)},
                             bp::std_out > bp::null,
                             bp::std_err > (m_tmp / (host.id + ".log")).string());
    }
  }

  /// The journal entries of `host` that switched hello to `version` (install or upgrade).
  static std::vector<nlohmann::json> took(const WaveHost& host, const std::string& version) {
    std::vector<nlohmann::json> out;
    for (const nlohmann::json& entry : journal(host.root)) {
      const std::string action = entry.value("action", "");
      if ((action == "install" || action == "upgrade") && entry["to"].is_object() &&
          entry["to"].value("version", "") == version)
        out.push_back(entry);
    }
    return out;
  }

  static nlohmann::json hello_status(const WaveHost& host) {
    const auto document = nlohmann::json::parse(http_get(host.api_port, "/status"), nullptr, false);
    if (document.is_discarded() || !document.contains("services")) return nullptr;
    for (const nlohmann::json& service : document["services"])
      if (service.value("service", "") == "hello") return service;
    return nullptr;
  }

  std::vector<WaveHost> m_hosts;
  int m_first = 0;
  int m_second = 0;
};

TEST_F(RolloutWavesTest, AGoodReleaseGoesInWaveOrderABadOneHaltsAtTheFirstWave) {
  ASSERT_GT(m_second, m_first);
  ASSERT_LT(m_second, 100);
  std::vector<PrometheusServer::Target> targets;
  std::vector<int> ports;
  for (const WaveHost& host : m_hosts) {
    targets.push_back({"hello", "127.0.0.1:" + std::to_string(host.port), host.id});
    targets.push_back({"tether", "127.0.0.1:" + std::to_string(host.api_port), host.id});
    ports.push_back(host.port);
  }
  PrometheusServer prometheus(m_tmp / "prometheus", targets);

  commit_release("1.0.0", Build::healthy, std::nullopt);
  start_agents(prometheus.url());
  for (const WaveHost& host : m_hosts) {
    ASSERT_TRUE(
        eventually([&] { return http_get(host.port, "/") == "hello 1.0.0\n"; }, seconds(30)))
        << host.id;
  }
  const FleetLoad load(ports);
  ASSERT_TRUE(eventually([&] { return prometheus.targets_up() == 2 * k_hosts; }, seconds(15)));

  // 2.0.0 in waves: every host takes it, none before its wave is due, the waves in order.
  const std::string good = commit_release("2.0.0", Build::healthy, k_good_first_pause);
  const long long good_start = commit_time(good);
  const WaveHost& last = *std::find_if(
      m_hosts.begin(), m_hosts.end(), [](const WaveHost& host) { return host.wave == 2; });
  // A host of the last wave says why it waits, on /status and /metrics.
  nlohmann::json waiting;
  ASSERT_TRUE(eventually(
      [&] {
        waiting = hello_status(last);
        return waiting.is_object() && waiting.contains("wave") &&
               waiting["wave"].value("waiting", nlohmann::json()) == "pause";
      },
      seconds(10)))
      << waiting.dump();
  EXPECT_EQ(waiting["wave"]["wave"], 3) << waiting.dump();
  EXPECT_EQ(waiting["desired"]["version"], "2.0.0") << waiting.dump();
  EXPECT_NE(waiting.value("reason", "").find("wave 3/3"), std::string::npos) << waiting.dump();
  const std::string metrics = http_get(last.api_port, "/metrics");
  EXPECT_NE(metrics.find("tether_rollout_wave{service=\"hello\"} 3"), std::string::npos);
  EXPECT_NE(metrics.find("tether_rollout_waiting{service=\"hello\",reason=\"pause\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(http_get(last.port, "/"), "hello 1.0.0\n") << "a host whose wave waits keeps 1.0.0";

  for (const WaveHost& host : m_hosts) {
    ASSERT_TRUE(eventually([&] { return !took(host, "2.0.0").empty(); },
                           seconds(k_good_first_pause + k_second_pause + 20)))
        << host.id << " never took 2.0.0";
  }
  for (const WaveHost& host : m_hosts) {
    const nlohmann::json entry = took(host, "2.0.0").front();
    const long long started = epoch_ms(entry.value("started", entry.value("time", "")));
    EXPECT_GE(started, due_ms(host, good_start, k_good_first_pause))
        << host.id << " (wave " << host.wave + 1 << ") took 2.0.0 early: " << entry.dump();
    if (host.wave < 2) {
      // Wave order: each host took it before the next wave was due.
      const WaveHost next_wave{"", 0, host.wave + 1, 0, 0, {}, {}};
      EXPECT_LT(started, due_ms(next_wave, good_start, k_good_first_pause))
          << host.id << " (wave " << host.wave + 1 << ") took 2.0.0 late: " << entry.dump();
    }
  }

  // 3.0.0 answers 10 % of requests with 500: the first wave takes it, the fleet analysis over
  // the hosts on 3.0.0 breaches, they roll back, and no later host ever installs it.
  const std::string bad = commit_release("3.0.0", Build::failing_requests, k_bad_first_pause);
  const long long bad_start = commit_time(bad);
  for (const WaveHost& host : m_hosts) {
    if (host.wave != 0) continue;
    ASSERT_TRUE(eventually(
        [&] {
          for (const nlohmann::json& entry : journal(host.root)) {
            if (entry.value("action", "") == "auto-rollback" &&
                entry["from"].value("version", "") == "3.0.0")
              return true;
          }
          return false;
        },
        // Under AddressSanitizer with 20 agents the rates the fleet query reads lag by several
        // scrapes: the later waves' halt is what must be prompt, asserted below.
        seconds(k_bad_first_pause + k_second_pause + 30)))
        << host.id << " did not roll 3.0.0 back";
    EXPECT_TRUE(
        eventually([&] { return http_get(host.port, "/") == "hello 2.0.0\n"; }, seconds(10)))
        << host.id;
  }
  // Past the last wave's time: the later waves stay halted, they never took 3.0.0.
  const auto all_due = std::chrono::system_clock::time_point(
      seconds(bad_start + k_bad_first_pause + k_second_pause + 3));
  for (const WaveHost& host : m_hosts) {
    if (host.wave == 0) continue;
    nlohmann::json status;
    ASSERT_TRUE(eventually(
        [&] {
          status = hello_status(host);
          return std::chrono::system_clock::now() > all_due && status.is_object() &&
                 status.contains("wave") &&
                 status["wave"].value("waiting", nlohmann::json()) == "halted";
        },
        seconds(k_bad_first_pause + k_second_pause + 20)))
        << host.id << ": " << status.dump();
  }
  for (const WaveHost& host : m_hosts) {
    if (host.wave == 0) continue;
    EXPECT_TRUE(took(host, "3.0.0").empty())
        << host.id << " (wave " << host.wave + 1 << ") installed the halted release";
    EXPECT_EQ(http_get(host.port, "/"), "hello 2.0.0\n") << host.id;
  }
  // Exactly one revert branch, however many hosts of the first wave proposed it.
  ASSERT_TRUE(eventually(
      [&] {
        return run_ok({"git", "ls-remote", repo_url()}).find("tether/revert-") != std::string::npos;
      },
      seconds(15)));
  const std::string refs = run_ok({"git", "ls-remote", repo_url()});
  size_t branches = 0;
  for (size_t at = refs.find("refs/heads/tether/revert-"); at != std::string::npos;
       at = refs.find("refs/heads/tether/revert-", at + 1))
    ++branches;
  EXPECT_EQ(branches, 1u) << refs;
  EXPECT_NE(refs.find("refs/heads/tether/revert-" + bad.substr(0, 12)), std::string::npos) << refs;
}

}  // namespace
}  // namespace tether::test
