// Health-gated switches: a release that does not come up healthy is rolled back by the agent
// itself, quarantined (not retried), and a git revert or a fixed release moves on cleanly.
#include "agent_fixture.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <signal.h>

namespace tether::test {
namespace {

namespace fs = std::filesystem;
using Millis = std::chrono::milliseconds;

class HealthRollbackTest : public AgentTest {
 protected:
  /// v2 live and healthy, then `bad` (a broken build) declared and applied.
  CommandResult deploy_bad_after_v2(const std::string& bad, Build build) {
    commit_hello("2.0.0");
    EXPECT_EQ(tether({"run", "--once"}).exit_code, 0);
    EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
    m_v2_dir = current_release_dir();
    m_bad_commit = commit_hello(bad, build);
    CommandResult run = tether({"run", "--once", "--log-format", "json"});
    m_switch_to_restored = gap(run.err, "switched", "restored");
    return run;
  }

  /// Time between the first log lines with messages `from` and `to` (the agent's own clock,
  /// so slow test machines and sanitizer builds measure the same thing). -1ms if missing.
  static Millis gap(const std::string& json_log, const std::string& from, const std::string& to) {
    std::optional<Millis> start;
    for (const std::string& line : lines_of(json_log)) {
      if (!nlohmann::json::accept(line)) continue;
      const auto event = nlohmann::json::parse(line);
      const std::string time = event.value("time", "");  // 2026-11-23T08:16:23.239Z
      if (time.size() < 23) continue;
      const Millis at = std::chrono::hours(std::stoi(time.substr(11, 2))) +
                        std::chrono::minutes(std::stoi(time.substr(14, 2))) +
                        std::chrono::seconds(std::stoi(time.substr(17, 2))) +
                        Millis(std::stoi(time.substr(20, 3)));
      if (!start && event["msg"] == from) start = at;
      if (start && event["msg"] == to) {
        const Millis delta = at - *start;
        return delta < Millis(0) ? delta + std::chrono::hours(24) : delta;  // past midnight
      }
    }
    return Millis(-1);
  }

  std::string m_v2_dir;
  std::string m_bad_commit;
  Millis m_switch_to_restored{-1};
};

TEST_F(HealthRollbackTest, UnhealthyReleaseIsRolledBackAndQuarantined) {
  const CommandResult run = deploy_bad_after_v2("3.0.0", Build::broken_health);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // deadline 4s in the manifest: the previous release serves again within deadline + 2s.
  EXPECT_GT(m_switch_to_restored, std::chrono::seconds(4)) << run.err;
  EXPECT_LT(m_switch_to_restored, std::chrono::seconds(4 + 2)) << run.err;
  EXPECT_EQ(current_release_dir(), m_v2_dir);
  EXPECT_EQ(hello_says(), "hello 2.0.0\n");

  const auto entries = journal(m_root);
  ASSERT_GE(entries.size(), 3u);
  const auto& failed = entries[entries.size() - 2];
  const auto& rollback = entries.back();
  EXPECT_EQ(failed["action"], "upgrade");
  EXPECT_EQ(failed["result"], "failed");
  EXPECT_EQ(rollback["action"], "auto-rollback");
  EXPECT_EQ(rollback["result"], "ok");
  EXPECT_EQ(rollback["from"]["version"], "3.0.0");
  EXPECT_EQ(rollback["to"]["version"], "2.0.0");
  EXPECT_NE(rollback["reason"].get<std::string>().find("HTTP 500"), std::string::npos)
      << rollback.dump();

  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("QUARANTINED: 3.0.0"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("serving 2.0.0"), std::string::npos) << status.out;

  // The next poll does not retry 3.0.0 and leaves the serving process alone; the host is not
  // converged while the declared release is quarantined (exit 1).
  const pid_t pid = service_pid();
  const CommandResult again = tether({"run", "--once"});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.err.find("failed health"), std::string::npos) << again.err;
  EXPECT_EQ(journal(m_root).size(), entries.size()) << "nothing new was attempted";
  EXPECT_EQ(service_pid(), pid);

  // A healthy 5.0.0 applies.
  commit_hello("5.0.0");
  const CommandResult fixed = tether({"run", "--once"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_TRUE(hello_eventually_says("hello 5.0.0\n"));
  EXPECT_EQ(tether({"status"}).out.find("QUARANTINED"), std::string::npos);
}

TEST_F(HealthRollbackTest, ReleaseThatCrashesAtStartIsRolledBackFast) {
  const CommandResult run = deploy_bad_after_v2("4.0.0", Build::crash_at_start);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_GE(m_switch_to_restored, Millis(0)) << run.err;
  EXPECT_LT(m_switch_to_restored, std::chrono::seconds(3))
      << "a dead process fails the gate at once";
  EXPECT_EQ(current_release_dir(), m_v2_dir);
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  EXPECT_NE(run.err.find("CRASH_AT_START"), std::string::npos)
      << "the log tail explains: " << run.err;
  EXPECT_EQ(journal(m_root).back()["action"], "auto-rollback");
}

TEST_F(HealthRollbackTest, GitRevertOfTheBadCommitClearsTheQuarantineWithoutARestart) {
  ASSERT_EQ(deploy_bad_after_v2("3.0.0", Build::broken_health).exit_code, 1);
  ASSERT_NE(tether({"status"}).out.find("QUARANTINED"), std::string::npos);
  const pid_t pid = service_pid();
  const size_t entries = journal(m_root).size();

  m_repo->revert(m_bad_commit);
  const CommandResult run = tether({"run", "--once"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(service_pid(), pid) << "2.0.0 is declared and already live: no restart";
  EXPECT_EQ(journal(m_root).size(), entries);
  EXPECT_EQ(tether({"status"}).out.find("QUARANTINED"), std::string::npos);
  EXPECT_EQ(hello_says(), "hello 2.0.0\n");
}

TEST_F(HealthRollbackTest, RetryLiftsTheQuarantine) {
  ASSERT_EQ(deploy_bad_after_v2("3.0.0", Build::broken_health).exit_code, 1);
  const CommandResult retry = tether({"retry", "hello"});
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_NE(retry.out.find("quarantine of 3.0.0"), std::string::npos) << retry.out;
  const size_t entries = journal(m_root).size();
  const CommandResult run = tether({"run", "--once"});
  EXPECT_EQ(run.exit_code, 1) << "tried again, failed again";
  EXPECT_EQ(journal(m_root).size(), entries + 2);
  EXPECT_EQ(current_release_dir(), m_v2_dir);
}

TEST_F(AgentTest, AdoptsTheRunningServiceAfterTheAgentRestarts) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const pid_t pid = service_pid();
  // A new agent process (an upgrade of tether itself) finds the service by its pid file.
  const CommandResult run = tether({"run", "--once"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(service_pid(), pid);
  EXPECT_EQ(::kill(pid, 0), 0);
  EXPECT_EQ(journal(m_root).size(), 1u);
}

TEST_F(AgentTest, FailingPreSwitchHookLeavesTheOldReleaseServingUntouched) {
  ASSERT_NO_FATAL_FAILURE(deploy("2.0.0"));
  const std::string v2_dir = current_release_dir();
  const pid_t pid = service_pid();
  const std::filesystem::path seen = m_tmp / "hook.env";
  m_health += "  hooks:\n    preSwitch: [/bin/sh, -c, 'env | grep ^TETHER_ | sort > " +
              seen.string() + "; echo migration refused >&2; exit 3']\n";
  const std::string state_commit = commit_hello("3.0.0");

  const CommandResult run = tether({"run", "--once"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("preSwitch hook failed: /bin/sh exited with status 3: migration refused"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(current_release_dir(), v2_dir);
  EXPECT_EQ(service_pid(), pid) << "the serving process was not touched";
  EXPECT_EQ(hello_says(), "hello 2.0.0\n");
  const std::string env = read_text(seen);
  EXPECT_NE(env.find("TETHER_FROM_VERSION=2.0.0\n"), std::string::npos) << env;
  EXPECT_NE(env.find("TETHER_TO_VERSION=3.0.0\n"), std::string::npos) << env;
  EXPECT_NE(env.find("TETHER_SERVICE=hello\n"), std::string::npos) << env;
  EXPECT_NE(env.find("TETHER_STATE_COMMIT=" + state_commit + "\n"), std::string::npos) << env;
}

TEST_F(AgentTest, FailingPostSwitchHookRollsBack) {
  commit_hello("2.0.0");
  ASSERT_EQ(tether({"run", "--once"}).exit_code, 0);
  const std::string v2_dir = current_release_dir();
  m_health += "  hooks:\n    postSwitch: [/bin/false]\n";
  commit_hello("3.0.0");
  const CommandResult run = tether({"run", "--once"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("postSwitch hook failed"), std::string::npos) << run.err;
  EXPECT_EQ(current_release_dir(), v2_dir);
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  EXPECT_NE(tether({"status"}).out.find("QUARANTINED: 3.0.0"), std::string::npos);
}

TEST_F(AgentTest, RollbackRunsThePreviousReleaseWithItsOwnCommandLine) {
  commit_hello("2.0.0");
  ASSERT_EQ(tether({"run", "--once"}).exit_code, 0);
  const std::string v2_dir = current_release_dir();
  // 3.0.0 is declared with a flag that only it would understand; hello rejects unknown
  // arguments, so 3.0.0 fails, and 2.0.0 must come back with the command it was installed with.
  const HelloRelease& v3 = release("3.0.0");
  std::string manifest = hello_manifest(v3);
  const std::string command = "command: [bin/hello, --config, etc/hello.conf]";
  manifest.replace(manifest.find(command),
                   command.size(),
                   "command: [bin/hello, --config, etc/hello.conf, --v3-only]");
  m_repo->write("services/hello.yaml", manifest);
  m_repo->commit("3.0.0 with a new flag");
  const CommandResult run = tether({"run", "--once"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(current_release_dir(), v2_dir);
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n")) << run.err;
  EXPECT_EQ(journal(m_root).back()["result"], "ok") << journal(m_root).back().dump();
}

TEST_F(HealthRollbackTest, PruningAfterRollbacksKeepsWhatARollbackNeedsAndDropsFailedReleases) {
  // #17: with keepReleases 3, pruning by install time kept the quarantined dirs and deleted the
  // known-good release right after a rollback. v1 and v2 pass, v3 and v4 fail their gate
  // (rolled back to v2), then the repo declares v2 again: v2 (live) and v1 (what served before
  // it) stay, the newer failed release fills the last place, the older failed one goes.
  const auto commit_keeping_three = [&](const std::string& version, Build build) {
    std::string manifest = hello_manifest(release(version, build));
    const std::string keep = "keepReleases: 5";
    manifest.replace(manifest.find(keep), keep.size(), "keepReleases: 3");
    m_repo->write("config/hello/hello.conf",
                  "port=" + std::to_string(m_port) + "\nmessage=hello\n");
    m_repo->write("services/hello.yaml", manifest);
    return m_repo->commit("hello " + version);
  };
  const auto releases = [&] {
    std::vector<std::string> versions;
    for (const auto& entry : fs::directory_iterator(m_root / "services/hello/releases")) {
      const std::string name = entry.path().filename().string();
      if (name.front() != '.') versions.push_back(name.substr(0, name.find('-')));
    }
    std::sort(versions.begin(), versions.end());
    return versions;
  };
  for (const char* version : {"1.0.0", "2.0.0"}) {
    commit_keeping_three(version, Build::healthy);
    ASSERT_EQ(tether({"run", "--once"}).exit_code, 0);
  }
  for (const char* version : {"3.0.0", "4.0.0"}) {
    commit_keeping_three(version, Build::broken_health);
    ASSERT_EQ(tether({"run", "--once"}).exit_code, 1) << version << " fails its gate";
    ASSERT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  }
  EXPECT_EQ(releases(), (std::vector<std::string>{"1.0.0", "2.0.0", "3.0.0", "4.0.0"}))
      << "nothing pruned while a release is quarantined";

  commit_keeping_three("2.0.0", Build::healthy);
  const CommandResult back = tether({"run", "--once"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(releases(), (std::vector<std::string>{"1.0.0", "2.0.0", "4.0.0"}));
  EXPECT_EQ(http_get(m_port, "/"), "hello 2.0.0\n");
}

}  // namespace
}  // namespace tether::test
