// `tether fleet status|wait` through the real binary: three real agents serving GET /status
// from their own roots (one state repo behind a git daemon), and a target nobody listens on.
#include "agent_farm_fixture.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class FleetCommandTest : public AgentFarmTest {
 protected:
  FleetCommandTest() : AgentFarmTest("fleet", 3) { write_targets(/*with_dead=*/true); }

  [[nodiscard]] fs::path targets_file() const { return m_tmp / "fleet.txt"; }

  /// The agents as an operator would list them: bare host:port, a URL, comments.
  void write_targets(bool with_dead) const {
    std::string targets = "# the fleet\n";
    for (const FarmAgent& agent : m_agents)
      targets += "127.0.0.1:" + std::to_string(agent.api_port) + "   # " + agent.id + "\n";
    if (with_dead) targets += "\n" + dead_url() + "/\n";
    write_text(targets_file(), targets);
  }
  [[nodiscard]] std::string dead_url() const {
    return "http://127.0.0.1:" + std::to_string(m_dead_port);
  }

  /// `tether fleet <args...> --targets fleet.txt`, timed.
  CommandResult fleet(std::vector<std::string> args, std::chrono::milliseconds* took = nullptr) {
    std::vector<std::string> argv = {TETHER_BIN, "fleet"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--targets", targets_file().string()});
    const auto start = std::chrono::steady_clock::now();
    CommandResult result = run_command(argv, {}, std::chrono::seconds(120));
    if (took != nullptr) {
      *took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    }
    return result;
  }
};

TEST_F(FleetCommandTest, WaitsForThreeOfFourThenStatusCountsThem) {
  const HelloRelease& v1 = release("1.0.0");
  commit_release("1.0.0");
  start_agents("200ms");

  // Waits from before the first pass until the three live agents converge: 3 of 4 is 75 %.
  const CommandResult three = fleet({"wait",
                                     "--service",
                                     "hello",
                                     "--version",
                                     "1.0.0",
                                     "--commit",
                                     v1.commit.substr(0, 10),
                                     "--percent",
                                     "75",
                                     "--timeout",
                                     "60s",
                                     "--interval",
                                     "200ms",
                                     "--request-timeout",
                                     "2s"});
  ASSERT_EQ(three.exit_code, 0) << three.out << three.err;
  EXPECT_NE(three.out.find("hello 1.0.0 (commit " + v1.commit.substr(0, 10) +
                           "): 3 of 4 hosts (75%) converged, want 75%: met"),
            std::string::npos)
      << three.out;
  EXPECT_NE(three.out.find(dead_url()), std::string::npos) << "the dead one is still missing";
  for (const FarmAgent& agent : m_agents)
    EXPECT_EQ(http_get(agent.port, "/"), "hello 1.0.0\n") << agent.id;

  // All four cannot be had: it gives up after --timeout and names the unreachable target.
  std::chrono::milliseconds took{};
  const CommandResult all = fleet({"wait",
                                   "--service",
                                   "hello",
                                   "--version",
                                   "1.0.0",
                                   "--percent",
                                   "100",
                                   "--timeout",
                                   "3s",
                                   "--interval",
                                   "200ms"},
                                  &took);
  EXPECT_EQ(all.exit_code, 1) << all.out << all.err;
  EXPECT_NE(all.out.find("3 of 4 hosts (75%) converged, want 100%: timed out"), std::string::npos)
      << all.out;
  EXPECT_NE(all.out.find("still missing: 1"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find(dead_url() + "  unreachable  connection refused"), std::string::npos)
      << all.out;
  EXPECT_GE(took.count(), 3000);
  EXPECT_LT(took.count(), 8000);

  const CommandResult status = fleet({"status", "--json", "--timeout", "2s"});
  EXPECT_EQ(status.exit_code, 1) << "one target did not answer\n" << status.out << status.err;
  const auto json = nlohmann::json::parse(status.out);
  EXPECT_EQ(json["targets"], 4);
  EXPECT_EQ(json["answered"], 3);
  EXPECT_EQ(json["converged"], false);
  ASSERT_EQ(json["services"].size(), 1u) << json.dump(2);
  EXPECT_EQ(json["services"][0]["service"], "hello");
  EXPECT_EQ(json["services"][0]["release"]["version"], "1.0.0");
  EXPECT_EQ(json["services"][0]["release"]["commit"], v1.commit);
  EXPECT_EQ(json["services"][0]["hosts"], 3);
  EXPECT_EQ(json["services"][0]["converged"], 3);
  ASSERT_EQ(json["unreachable"].size(), 1u);
  EXPECT_EQ(json["unreachable"][0]["url"], dead_url());
  EXPECT_EQ(json["unreachable"][0]["problem"], "connection refused");
  EXPECT_TRUE(json["behind"].empty()) << json.dump(2);
  EXPECT_EQ(json["majorityCommit"].get<std::string>().size(), 40u);
  ASSERT_EQ(json["hosts"].size(), 4u);
  EXPECT_EQ(json["hosts"][0]["host"], "fleet-1");
  EXPECT_EQ(json["hosts"][0]["lastPass"]["outcome"], "converged");

  const CommandResult text = fleet({"status", "--service", "hello", "--hosts"});
  EXPECT_EQ(text.exit_code, 1);
  const std::vector<std::string> lines = lines_of(text.out);
  for (const FarmAgent& agent : m_agents) {
    const std::string url = "http://127.0.0.1:" + std::to_string(agent.api_port);
    const auto line = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.rfind(agent.id + " ", 0) == 0;
    });
    ASSERT_NE(line, lines.end()) << text.out;
    EXPECT_NE(line->find(url), std::string::npos) << *line;
    EXPECT_NE(line->find("hello"), std::string::npos) << *line;
    EXPECT_NE(line->find("converged"), std::string::npos) << *line;
  }
  EXPECT_NE(text.out.find("not converged: 3 of 4 targets answered"), std::string::npos) << text.out;
}

TEST_F(FleetCommandTest, AQuarantinedReleaseFailsTheWaitBeforeItsTimeout) {
  commit_release("1.0.0");
  start_agents("200ms");
  // Without the dead target every agent answers: status exits 0 once all converged.
  write_targets(/*with_dead=*/false);
  ASSERT_TRUE(
      eventually([&] { return fleet({"status"}).exit_code == 0; }, std::chrono::seconds(30)));

  commit_release("2.0.0", Build::broken_health);
  std::chrono::milliseconds took{};
  const CommandResult broken = fleet({"wait",
                                      "--service",
                                      "hello",
                                      "--version",
                                      "2.0.0",
                                      "--timeout",
                                      "60s",
                                      "--interval",
                                      "200ms",
                                      "--json"},
                                     &took);
  EXPECT_EQ(broken.exit_code, 1) << broken.out << broken.err;
  EXPECT_LT(took.count(), 30000) << "failed fast, long before --timeout";
  const auto json = nlohmann::json::parse(broken.out);
  EXPECT_EQ(json["outcome"], "quarantined");
  EXPECT_EQ(json["done"], 0);
  bool named = false;
  for (const auto& host : json["hosts"]) {
    if (host["standing"] != "quarantined") continue;
    named = true;
    EXPECT_NE(host["detail"].get<std::string>().find("quarantined: "), std::string::npos) << host;
    EXPECT_NE(host["detail"].get<std::string>().find("HTTP 500"), std::string::npos) << host;
  }
  EXPECT_TRUE(named) << json.dump(2);
  for (const FarmAgent& agent : m_agents) {
    EXPECT_TRUE(eventually([&] { return http_get(agent.port, "/") == "hello 1.0.0\n"; },
                           std::chrono::seconds(15)))
        << agent.id << " rolled back";
  }
}

TEST_F(FleetCommandTest, EveryAgentRefusingTheTipIsNotAConvergedFleet) {
  // #17: all agents refuse a bad tip and keep serving the last good commit. That is not
  // "converged: 3 of 3": fleet status names the refusal and exits 1, and the metric moves.
  commit_release("1.0.0");
  start_agents("200ms");
  write_targets(/*with_dead=*/false);
  ASSERT_TRUE(
      eventually([&] { return fleet({"status"}).exit_code == 0; }, std::chrono::seconds(30)));
  for (const FarmAgent& agent : m_agents) {
    const std::string metrics = http_get(agent.api_port, "/metrics");
    EXPECT_NE(metrics.find("\ntether_state_refused 0\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("\ntether_host_converged 1\n"), std::string::npos) << metrics;
  }

  m_repo->write("services/hello.yaml",
                "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: hello}\nspec: {}\n");
  const std::string bad = m_repo->commit("hello without a release");
  for (const FarmAgent& agent : m_agents) {
    ASSERT_TRUE(eventually(
        [&] {
          return http_get(agent.api_port, "/metrics").find("\ntether_state_refused 1\n") !=
                 std::string::npos;
        },
        std::chrono::seconds(30)))
        << agent.id;
    const std::string metrics = http_get(agent.api_port, "/metrics");
    EXPECT_NE(metrics.find("\ntether_host_converged 0\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("tether_state_info{tip=\"" + bad + "\""), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("tether_converged{service=\"hello\"} 1"), std::string::npos)
        << "hello still runs what the last good commit declares";
    EXPECT_EQ(http_get(agent.port, "/"), "hello 1.0.0\n") << agent.id;
  }

  const CommandResult text = fleet({"status"});
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_NE(text.out.find("tip not applied: 3 hosts keep their last good state commit"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(bad.substr(0, 12)), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("not converged: 3 of 3 targets answered, 3 refused the tip"),
            std::string::npos)
      << text.out;

  const CommandResult json_run = fleet({"status", "--json"});
  EXPECT_EQ(json_run.exit_code, 1);
  const auto json = nlohmann::json::parse(json_run.out);
  EXPECT_EQ(json["converged"], false);
  EXPECT_EQ(json["services"][0]["converged"], 3) << "each service runs the last good release";
  ASSERT_EQ(json["tipNotApplied"].size(), 3u) << json.dump(2);
  for (const auto& host : json["tipNotApplied"]) {
    EXPECT_EQ(host["outcome"], "refused");
    EXPECT_EQ(host["tipCommit"], bad);
    EXPECT_NE(host["desiredCommit"], bad);
    EXPECT_NE(host["problem"].get<std::string>().find("services/hello.yaml"), std::string::npos)
        << host;
  }

  const CommandResult wait = fleet({"wait",
                                    "--service",
                                    "hello",
                                    "--version",
                                    "1.0.0",
                                    "--timeout",
                                    "1s",
                                    "--interval",
                                    "200ms",
                                    "--json"});
  EXPECT_EQ(wait.exit_code, 1) << wait.out << wait.err;
  const auto waited = nlohmann::json::parse(wait.out);
  EXPECT_EQ(waited["done"], 0);
  for (const auto& host : waited["hosts"]) EXPECT_EQ(host["standing"], "tip-refused") << host;

  // The Git server goes away: the same hosts now cannot reach it, and say so.
  m_daemon.reset();
  for (const FarmAgent& agent : m_agents) {
    ASSERT_TRUE(eventually(
        [&] {
          return http_get(agent.api_port, "/metrics").find("\ntether_state_unreachable 1\n") !=
                 std::string::npos;
        },
        std::chrono::seconds(30)))
        << agent.id;
  }
  const CommandResult cut_off = fleet({"status"});
  EXPECT_EQ(cut_off.exit_code, 1) << cut_off.out;
  EXPECT_NE(cut_off.out.find("3 cannot reach the state repo"), std::string::npos) << cut_off.out;
}

}  // namespace
}  // namespace tether::test
