// Issue #21 acceptance 3: `tether fleet status|wait --prometheus` reads the fleet from a real
// Prometheus scraping three real agents (and a target nobody listens on) and says what the
// direct mode says from their GET /status: the same hosts, services, states and releases, the
// same exit codes, on a converged fleet and on a release whose health gate fails.
#include "agent_farm_fixture.hpp"
#include "hostile_http_server.hpp"
#include "prometheus_server.hpp"
#include "silent_server.hpp"

#include <nlohmann/json.hpp>

#include <tuple>

namespace tether::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

/// What both modes must agree on: host -> reachable, and per service its state and releases.
using FleetFacts = std::map<
    std::string,
    std::pair<bool, std::map<std::string, std::tuple<std::string, std::string, std::string>>>>;

FleetFacts facts_of(const std::string& status_json) {
  const auto json = nlohmann::json::parse(status_json, nullptr, false);
  FleetFacts facts;
  if (json.is_discarded() || !json.contains("hosts")) return facts;
  for (const auto& host : json["hosts"]) {
    auto& [reachable, services] = facts[host.value("host", "")];
    reachable = host.value("reachable", false);
    for (const auto& service : host["services"]) {
      services[service.value("service", "")] = {
          service.value("state", ""), service["desired"].dump(), service["current"].dump()};
    }
  }
  return facts;
}

std::string facts_text(const FleetFacts& facts) {
  std::string out;
  for (const auto& [host, entry] : facts) {
    out += host + (entry.first ? "" : " (unreachable)") + ":";
    for (const auto& [service, view] : entry.second) {
      out += " " + service + "=" + std::get<0>(view) + " desired " + std::get<1>(view) +
             " current " + std::get<2>(view);
    }
    out += "\n";
  }
  return out;
}

class FleetPrometheusTest : public AgentFarmTest {
 protected:
  FleetPrometheusTest() : AgentFarmTest("prom", 3) {
    std::string targets;
    for (const FarmAgent& agent : m_agents)
      targets += "127.0.0.1:" + std::to_string(agent.api_port) + "\n";
    targets += "127.0.0.1:" + std::to_string(m_dead_port) + "\n";
    write_text(m_tmp / "fleet.txt", targets);
  }

  /// The agents and the dead target, scraped every second as job "tether".
  std::unique_ptr<PrometheusServer> start_prometheus() {
    std::vector<PrometheusServer::Target> targets;
    for (const FarmAgent& agent : m_agents)
      targets.push_back({"tether", "127.0.0.1:" + std::to_string(agent.api_port), agent.id});
    targets.push_back({"tether", "127.0.0.1:" + std::to_string(m_dead_port), "gone"});
    return std::make_unique<PrometheusServer>(m_tmp / "prometheus", targets);
  }

  /// `tether fleet <args...>` plus where it reads the fleet: `source` is "--targets FILE" or
  /// "--prometheus URL".
  static CommandResult fleet(std::vector<std::string> args,
                             const std::vector<std::string>& source) {
    std::vector<std::string> argv = {TETHER_BIN, "fleet"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), source.begin(), source.end());
    return run_command(argv, {}, std::chrono::seconds(120));
  }

  [[nodiscard]] std::vector<std::string> direct() const {
    return {"--targets", (m_tmp / "fleet.txt").string()};
  }

  /// Waits until both modes' `fleet status --json` say the same of every host; false if they
  /// still differ after `timeout` (`last` holds both).
  bool modes_agree(const std::vector<std::string>& prometheus, std::string& last) {
    return eventually(
        [&] {
          const FleetFacts one = facts_of(fleet({"status", "--json"}, direct()).out);
          const FleetFacts two = facts_of(fleet({"status", "--json"}, prometheus).out);
          last = "direct:\n" + facts_text(one) + "prometheus:\n" + facts_text(two);
          return one == two;
        },
        seconds(20));
  }
};

TEST_F(FleetPrometheusTest, StatusAndWaitSayWhatTheAgentsSay) {
  commit_release("1.0.0");
  start_agents("300ms");
  const auto prometheus_server = start_prometheus();
  const std::vector<std::string> prometheus = {"--prometheus", prometheus_server->url()};
  const std::vector<std::string> wait_hello = {
      "wait", "--service", "hello", "--percent", "75", "--interval", "300ms", "--json"};

  // Converged: three hosts on 1.0.0, the dead target unreachable in both modes.
  ASSERT_TRUE(eventually(
      [&] {
        const std::string out = fleet({"status", "--json"}, direct()).out;
        const auto json = nlohmann::json::parse(out, nullptr, false);
        return !json.is_discarded() && json["services"].size() == 1 &&
               json["services"][0]["converged"] == 3;
      },
      seconds(40)));
  std::string last;
  ASSERT_TRUE(modes_agree(prometheus, last)) << last;
  const FleetFacts converged = facts_of(fleet({"status", "--json"}, prometheus).out);
  ASSERT_EQ(converged.size(), 4u) << last;
  EXPECT_FALSE(converged.at("127.0.0.1:" + std::to_string(m_dead_port)).first) << last;
  EXPECT_EQ(std::get<0>(converged.at("prom-2").second.at("hello")), "converged") << last;

  auto wait = wait_hello;
  wait.insert(wait.end(), {"--version", "1.0.0", "--timeout", "30s"});
  const CommandResult direct_met = fleet(wait, direct());
  const CommandResult prometheus_met = fleet(wait, prometheus);
  EXPECT_EQ(direct_met.exit_code, 0) << direct_met.out << direct_met.err;
  EXPECT_EQ(prometheus_met.exit_code, 0) << prometheus_met.out << prometheus_met.err;
  const CommandResult unreachable = fleet({"status"}, prometheus);
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable.out;
  EXPECT_NE(unreachable.out.find("up == 0"), std::string::npos) << unreachable.out;

  // 2.0.0 fails its health gate everywhere: both waits stop on the quarantine, exit 1.
  commit_release("2.0.0", Build::broken_health);
  wait = wait_hello;
  wait.insert(wait.end(), {"--version", "2.0.0", "--timeout", "90s"});
  const CommandResult prometheus_broken = fleet(wait, prometheus);
  EXPECT_EQ(prometheus_broken.exit_code, 1) << prometheus_broken.out << prometheus_broken.err;
  EXPECT_EQ(nlohmann::json::parse(prometheus_broken.out, nullptr, false).value("outcome", ""),
            "quarantined")
      << prometheus_broken.out;
  const CommandResult direct_broken = fleet(wait, direct());
  EXPECT_EQ(direct_broken.exit_code, prometheus_broken.exit_code) << direct_broken.out;
  EXPECT_EQ(nlohmann::json::parse(direct_broken.out, nullptr, false).value("outcome", ""),
            "quarantined")
      << direct_broken.out;
  for (const FarmAgent& agent : m_agents) {
    ASSERT_TRUE(eventually(
        [&] {
          const auto status =
              nlohmann::json::parse(http_get(agent.api_port, "/status"), nullptr, false);
          return !status.is_discarded() &&
                 status.dump().find("\"quarantined\"") != std::string::npos;
        },
        seconds(30)))
        << agent.id;
  }
  ASSERT_TRUE(modes_agree(prometheus, last)) << last;
  EXPECT_EQ(
      std::get<0>(
          facts_of(fleet({"status", "--json"}, prometheus).out).at("prom-1").second.at("hello")),
      "quarantined")
      << last;
}

TEST_F(FleetPrometheusTest, UsageErrorsAndABrokenPrometheusAreClear) {
  const CommandResult both = fleet({"status", "--prometheus", "http://127.0.0.1:1"}, direct());
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_NE(both.err.find("exclude each other"), std::string::npos) << both.err;
  const CommandResult neither = fleet({"wait", "--service", "a", "--version", "1"}, {});
  EXPECT_EQ(neither.exit_code, 2) << neither.err;
  EXPECT_NE(neither.err.find("--prometheus URL"), std::string::npos) << neither.err;
  const CommandResult not_url = fleet({"status"}, {"--prometheus", "127.0.0.1:9090"});
  EXPECT_EQ(not_url.exit_code, 2) << not_url.err;

  // Nobody listens: a clear error, exit 1.
  const CommandResult refused =
      fleet({"status"}, {"--prometheus", "http://127.0.0.1:" + std::to_string(m_dead_port)});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("cannot ask Prometheus"), std::string::npos) << refused.err;
  // A web server that is no Prometheus: it has no /api/v1/query.
  const HostileHttpServer not_prometheus;
  const CommandResult other = fleet({"status"}, {"--prometheus", not_prometheus.url("")});
  EXPECT_EQ(other.exit_code, 1) << other.err;
  EXPECT_NE(other.err.find("HTTP 404"), std::string::npos) << other.err;
  // A server that never answers: --timeout holds.
  const SilentServer silent;
  const auto start = std::chrono::steady_clock::now();
  const CommandResult hung =
      fleet({"status", "--timeout", "1s"},
            {"--prometheus", "http://127.0.0.1:" + std::to_string(silent.port())});
  EXPECT_EQ(hung.exit_code, 1) << hung.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(10)) << hung.err;
}

}  // namespace
}  // namespace tether::test
