// Every declared field converges (issue #17), end to end through the real binary and a real
// git daemon: a change of any setting of what runs is a reconfigure that `tether plan`, `run
// --once --dry-run` and the agent all name, and after it the live process runs the new value;
// a reconfigure that fails its gate goes back to the settings that passed, quarantined.
#include "agent_fixture.hpp"

#include <algorithm>

namespace tether::test {
namespace {

/// The NUL-separated strings of a /proc file (cmdline, environ) as one line each.
std::string proc_lines(pid_t pid, const char* file) {
  std::string text = read_text(std::filesystem::path("/proc") / std::to_string(pid) / file);
  std::replace(text.begin(), text.end(), '\0', '\n');
  return text;
}

class SettingsTest : public AgentTest {
 protected:
  /// Writes services/hello.yaml with `from` replaced by `to` in the current text; commits.
  std::string change_manifest(const std::string& from, const std::string& to) {
    const size_t at = m_manifest.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) m_manifest.replace(at, from.size(), to);
    m_repo->write("services/hello.yaml", m_manifest);
    return m_repo->commit("hello: " + to);
  }

  /// The change `tether plan` reports for hello on this test's host between two commits.
  nlohmann::json planned_change(const std::string& from, const std::string& to) const {
    const CommandResult plan = run_command({TETHER_BIN,
                                            "plan",
                                            "--repo",
                                            repo_url(),
                                            "--from",
                                            from,
                                            "--to",
                                            to,
                                            "--host",
                                            "e2e-host",
                                            "--format",
                                            "json"});
    EXPECT_EQ(plan.exit_code, 0) << plan.err;
    const nlohmann::json parsed = nlohmann::json::parse(plan.out);
    for (const auto& host : parsed.at("hosts")) {
      if (host.at("host") != "e2e-host") continue;
      for (const auto& change : host.at("services")) {
        if (change.at("service") == "hello") return change;
      }
    }
    ADD_FAILURE() << "no change of hello for e2e-host in the plan:\n" << plan.out;
    return nullptr;
  }

  /// `tether status --output json`'s entry for hello.
  nlohmann::json status_of_hello() const {
    const CommandResult status = tether({"status", "--output", "json"});
    const nlohmann::json parsed = nlohmann::json::parse(status.out);
    for (const auto& service : parsed.at("services")) {
      if (service.at("service") == "hello") return service;
    }
    return nullptr;
  }

  std::string m_manifest;
};

/// One declared field: how the manifest text changes, the name plan and the agent give it, and
/// how the live process shows the new value.
struct FieldCase {
  const char* field;
  std::string from;
  std::string to;
  std::function<bool(pid_t, const nlohmann::json& status)> runs_new_value;
};

TEST_F(SettingsTest, EveryDeclaredFieldConvergesAndPlanAndTheAgentNameIt) {
  std::string previous = commit_hello("1.0.0");
  ASSERT_EQ(tether({"run", "--once"}).exit_code, 0);
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  m_manifest = hello_manifest(release("1.0.0"));
  const std::vector<FieldCase> cases = {
      {"run.exec.command",
       "command: [bin/hello, --config, etc/hello.conf]",
       "command: [bin/hello, --config=etc/hello.conf]",
       [](pid_t pid, const nlohmann::json&) {
         return proc_lines(pid, "cmdline").find("--config=etc/hello.conf\n") != std::string::npos;
       }},
      {"run.exec.env",
       "      stopTimeout: 5s\n",
       "      env: {GREETING: hi}\n      stopTimeout: 5s\n",
       [](pid_t pid, const nlohmann::json&) {
         return proc_lines(pid, "environ").find("\nGREETING=hi\n") != std::string::npos;
       }},
      {"run.exec.stopTimeout",
       "stopTimeout: 5s",
       "stopTimeout: 7s",
       [](pid_t, const nlohmann::json& status) {
         return status["serving"]["run"]["exec"]["stopTimeoutMs"] == 7000;
       }},
      {"health",
       "interval: 100ms",
       "interval: 150ms",
       [](pid_t, const nlohmann::json& status) {
         return status["serving"]["health"]["intervalMs"] == 150;
       }},
  };
  for (const FieldCase& c : cases) {
    SCOPED_TRACE(c.field);
    const std::string commit = change_manifest(c.from, c.to);
    const nlohmann::json change = planned_change(previous, commit);
    ASSERT_TRUE(change.is_object());
    EXPECT_EQ(change["change"], "settings") << change.dump();
    EXPECT_EQ(change["settings_changed"], nlohmann::json::array({c.field})) << change.dump();

    const CommandResult dry = tether({"run", "--once", "--dry-run"});
    EXPECT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_NE(dry.out.find("hello: reconfigure"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find(std::string(c.field) + " changed"), std::string::npos) << dry.out;

    const pid_t before = service_pid();
    const CommandResult run = tether({"run", "--once"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const pid_t after = service_pid();
    EXPECT_NE(after, before) << "restarted with the new settings";
    const nlohmann::json status = status_of_hello();
    EXPECT_TRUE(c.runs_new_value(after, status)) << status.dump(2);
    EXPECT_EQ(status["fingerprint"], status["serving"]["fingerprint"]) << "it passed its gate";
    EXPECT_EQ(hello_says(), "hello 1.0.0\n");
    const nlohmann::json last = journal(m_root).back();
    EXPECT_EQ(last["action"], "reconfigure");
    EXPECT_EQ(last["result"], "ok");

    const CommandResult again = tether({"run", "--once", "--dry-run"});
    EXPECT_NE(again.out.find("no changes"), std::string::npos) << again.out;
    previous = commit;
  }

  // What changes nothing that runs (a comment, key order, keepReleases) is no change anywhere.
  const std::string cosmetic =
      change_manifest("  keepReleases: 5\n", "  # same service\n  keepReleases: 4\n");
  const nlohmann::json change = planned_change(previous, cosmetic);
  EXPECT_EQ(change["change"], "unchanged") << change.dump();
  const pid_t before = service_pid();
  const CommandResult dry = tether({"run", "--once", "--dry-run"});
  EXPECT_NE(dry.out.find("no changes"), std::string::npos) << dry.out;
  ASSERT_EQ(tether({"run", "--once"}).exit_code, 0);
  EXPECT_EQ(service_pid(), before) << "not restarted";
}

TEST_F(SettingsTest, AReconfigureThatFailsItsGateGoesBackToTheSettingsThatPassed) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  m_manifest = hello_manifest(release("1.0.0"));
  // hello's /healthz answers 500 with HELLO_FAIL_HEALTH=1: these settings never pass.
  change_manifest("      stopTimeout: 5s\n",
                  "      env: {HELLO_FAIL_HEALTH: \"1\"}\n      stopTimeout: 5s\n");
  const CommandResult run = tether({"run", "--once"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const pid_t pid = service_pid();
  EXPECT_EQ(proc_lines(pid, "environ").find("HELLO_FAIL_HEALTH"), std::string::npos)
      << "the process runs the settings that passed its gate";
  EXPECT_EQ(http_get(m_port, "/healthz"), "ok\n");
  const auto entries = journal(m_root);
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries[entries.size() - 2]["action"], "reconfigure");
  EXPECT_EQ(entries[entries.size() - 2]["result"], "failed");
  EXPECT_EQ(entries.back()["action"], "auto-rollback");
  EXPECT_EQ(entries.back()["result"], "ok");
  const nlohmann::json status = status_of_hello();
  ASSERT_TRUE(status["quarantine"].is_object()) << status.dump(2);

  // Quarantined: the next passes leave it alone, and repair what serves with its own settings.
  const CommandResult quiet = tether({"run", "--once"});
  EXPECT_EQ(quiet.exit_code, 1) << "a quarantined service is not converged";
  EXPECT_EQ(service_pid(), pid) << "not retried";
  ::kill(pid, SIGKILL);
  ASSERT_TRUE(eventually([&] { return hello_says().empty(); }, std::chrono::seconds(5)));
  EXPECT_EQ(tether({"run", "--once"}).exit_code, 1);
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_EQ(proc_lines(service_pid(), "environ").find("HELLO_FAIL_HEALTH"), std::string::npos)
      << "brought back with the settings that passed, not the quarantined ones";
  EXPECT_TRUE(status_of_hello()["quarantine"].is_object()) << "the quarantine stays";
}

}  // namespace
}  // namespace tether::test
