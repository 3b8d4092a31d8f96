// spec.dependsOn through the real agent: a service waits (blocked) while its dependency is not
// healthy and starts once it is, an unrelated service upgrades in the same pass regardless, and
// cycles or unknown dependencies are refused by `tether validate` and by the agent.
#include "agent_fixture.hpp"
#include "pass_counter.hpp"

#include <boost/process.hpp>

#include <algorithm>
#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

namespace bp = boost::process;
using std::chrono::seconds;

class DependencyTest : public AgentTest {
 protected:
  /// services/<name>.yaml running a hello build of `version` on `port`, saying "<name> <v>".
  void write_service(const std::string& name,
                     const std::string& version,
                     int port,
                     const std::string& depends_on = "",
                     Build build = Build::healthy) {
    write_named_hello(name, release(version, build), port, port, "100ms", 2, depends_on);
  }

  bp::child start_agent(int api_port) const {
    return bp::child(TETHER_BIN,
                     bp::args = {"run",
                                 "--interval",
                                 "300ms",
                                 "--repo",
                                 repo_url(),
                                 "--root",
                                 m_root.string(),
                                 "--host-id",
                                 "e2e-host",
                                 "--api-listen",
                                 "127.0.0.1:" + std::to_string(api_port)},
                     bp::std_out > bp::null,
                     bp::std_err > (m_tmp / "agent.log").string());
  }

  /// The journal entries of `service` with `action` at `state_commit`, and their positions.
  std::vector<std::pair<size_t, nlohmann::json>> entries(const std::string& service,
                                                         const std::string& action,
                                                         const std::string& state_commit) const {
    std::vector<std::pair<size_t, nlohmann::json>> found;
    const auto all = journal(m_root);
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i]["service"] == service && all[i]["action"] == action &&
          all[i]["stateCommit"] == state_commit)
        found.emplace_back(i, all[i]);
    }
    return found;
  }

  static nlohmann::json service_status(int api_port, const std::string& name) {
    const std::string text = http_get(api_port, "/status");
    if (text.empty()) return nullptr;
    const nlohmann::json status = nlohmann::json::parse(text);  // outlives the loop
    for (const auto& service : status["services"]) {
      if (service["service"] == name) return service;
    }
    return nullptr;
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "agent log:\n" << read_text(m_tmp / "agent.log");
  }
};

TEST_F(DependencyTest, WaitsForAnUnhealthyDependencyWhileAnUnrelatedServiceUpgrades) {
  const int port_a = free_port();
  const int port_b = free_port();
  const int port_c = free_port();
  const int api = free_port();
  write_service("c", "1.0.0", port_c);
  m_repo->commit("c 1.0.0");
  bp::child agent = start_agent(api);
  ASSERT_TRUE(eventually([&] { return http_get(port_c, "/") == "c 1.0.0\n"; }, seconds(30)));

  // a arrives broken (its /healthz answers 500), b needs a, c upgrades: one commit.
  write_service("a", "0.9.0", port_a, "", Build::broken_health);
  write_service("b", "1.0.0", port_b, "a");
  write_service("c", "2.0.0", port_c);
  const std::string broken = m_repo->commit("a 0.9.0 (broken), b 1.0.0 after a, c 2.0.0");
  ASSERT_TRUE(eventually([&] { return !entries("b", "blocked", broken).empty(); }, seconds(40)));
  EXPECT_EQ(http_get(port_c, "/"), "c 2.0.0\n") << "c upgraded regardless of a";
  const auto a_failed = entries("a", "install", broken);
  const auto c_upgraded = entries("c", "upgrade", broken);
  const auto b_blocked = entries("b", "blocked", broken);
  ASSERT_EQ(a_failed.size(), 1u);
  ASSERT_EQ(c_upgraded.size(), 1u);
  EXPECT_EQ(a_failed[0].second["result"], "failed");
  EXPECT_EQ(c_upgraded[0].second["result"], "ok");
  // a and c depend on nothing: they are converged at once (one wave), and c does not wait
  // for a's gate to fail. b's wave comes after, and a's failure blocks it.
  EXPECT_EQ(std::max(a_failed[0].first, c_upgraded[0].first) + 1, b_blocked[0].first)
      << "the same pass reports b blocked";
  const std::string reason = b_blocked[0].second["reason"];
  EXPECT_EQ(reason.rfind("waiting for a: ", 0), 0u) << reason;
  EXPECT_EQ(b_blocked[0].second["to"]["version"], "1.0.0");
  std::cout << "blocked: " << reason << "\n";

  // /status, `tether status` and /metrics say so; b stays blocked over the next passes (a's
  // process runs, but it never passed its health check), reported once.
  nlohmann::json b;
  ASSERT_TRUE(eventually(
      [&] {
        b = service_status(api, "b");
        return b.is_object() &&
               b.value("reason", "").rfind("waiting for a: its last change", 0) == 0;
      },
      seconds(10)))
      << b.dump() << "\n"
      << http_get(api, "/status");
  EXPECT_EQ(b["state"], "blocked");
  EXPECT_EQ(b["blockedOn"], "a");
  EXPECT_EQ(service_status(api, "a")["state"], "failed");
  EXPECT_EQ(service_status(api, "c")["state"], "converged");
  expect_valid_status(http_get(api, "/status"));
  EXPECT_NE(http_get(api, "/metrics").find("tether_blocked{service=\"b\"} 1"), std::string::npos);
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("b BLOCKED on a: waiting for a"), std::string::npos) << status.out;
  // Several more 300 ms passes, counted rather than slept through: each could have started b.
  const long long passes = passes_finished(api);
  ASSERT_TRUE(passes_eventually_reach(api, passes, 3, seconds(20)))
      << passes << " passes, then " << passes_finished(api);
  EXPECT_EQ(http_get(port_b, "/"), "") << "b was not started";
  EXPECT_EQ(entries("b", "blocked", broken).size(), 1u) << "journaled once, not every poll";

  // a fixed: it upgrades, and b starts in the same pass, right after it.
  write_service("a", "1.0.0", port_a);
  const std::string fixed = m_repo->commit("a 1.0.0");
  ASSERT_TRUE(eventually([&] { return !entries("b", "install", fixed).empty(); }, seconds(40)));
  EXPECT_EQ(http_get(port_b, "/"), "b 1.0.0\n");
  const auto a_upgraded = entries("a", "upgrade", fixed);
  const auto b_installed = entries("b", "install", fixed);
  ASSERT_EQ(a_upgraded.size(), 1u);
  ASSERT_EQ(b_installed.size(), 1u);
  EXPECT_EQ(a_upgraded[0].second["result"], "ok");
  EXPECT_EQ(b_installed[0].second["result"], "ok");
  EXPECT_EQ(a_upgraded[0].first + 1, b_installed[0].first) << "b right after a, in one pass";
  ASSERT_TRUE(
      eventually([&] { return service_status(api, "b")["state"] == "converged"; }, seconds(10)));
  EXPECT_EQ(service_status(api, "a")["state"], "converged");
  ::kill(agent.id(), SIGTERM);
  agent.wait();
}

TEST_F(DependencyTest, ValidateAndTheAgentRefuseCyclesAndUnknownDependencies) {
  const int port_a = free_port();
  const int port_b = free_port();
  write_service("a", "1.0.0", port_a);
  const std::string good = m_repo->commit("a");
  ASSERT_EQ(tether({"run", "--once"}).exit_code, 0);

  struct Case {
    const char* name;
    std::string a_deps;
    std::string b_deps;
    std::string file;
    std::string expected;  ///< after "<file>: " (the agent) or "<file>:<line>: " (validate)
  };
  const std::vector<Case> cases = {
      {"cycle", "b", "a", "services/a.yaml", "spec.dependsOn: cycle a -> b -> a"},
      {"unknown",
       "",
       "a, db",
       "services/b.yaml",
       "spec.dependsOn[1]: \"db\" is not a service of the state repo"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    write_service("a", "1.0.0", port_a, c.a_deps);
    write_service("b", "1.0.0", port_b, c.b_deps);
    const std::string bad = m_repo->commit(c.name);
    const CommandResult validate =
        run_command({TETHER_BIN, "validate", "--repo", m_repo->work().string(), "HEAD"});
    EXPECT_EQ(validate.exit_code, 1) << validate.out << validate.err;
    const size_t found = validate.out.find(c.expected);
    ASSERT_NE(found, std::string::npos) << validate.out;
    const size_t line_start = validate.out.rfind('\n', found) + 1;
    EXPECT_EQ(validate.out.compare(line_start, c.file.size() + 1, c.file + ":"), 0) << validate.out;

    const CommandResult run = tether({"run", "--once"});
    EXPECT_EQ(run.exit_code, 3) << run.err;
    // The log quotes the problem as a JSON string.
    std::string quoted = c.file + ": " + c.expected;
    for (size_t at = quoted.find('"'); at != std::string::npos; at = quoted.find('"', at + 2))
      quoted.insert(at, "\\");
    EXPECT_NE(run.err.find(quoted), std::string::npos) << run.err;
    EXPECT_EQ(http_get(port_b, "/"), "") << "nothing of the refused commit was applied";
    EXPECT_EQ(read_text(m_root / "state/last-good-commit").substr(0, 40), good);
  }
}

}  // namespace
}  // namespace tether::test
