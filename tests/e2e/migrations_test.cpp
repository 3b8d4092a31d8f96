// Issue #23, migrations: each release's migration state is recorded after its switch; a
// rollback to a release recorded with an older state is flagged by `plan --live` and, when the
// service says `onRollback: refuse`, held (journaled, not converged) until
// `tether retry --accept-migrations`; an auto-rollback after a failed gate is held the same way.
#include "agent_fixture.hpp"

#include <iostream>

namespace tether::test {
namespace {

class MigrationsTest : public AgentTest {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      for (const nlohmann::json& entry : journal(m_root)) std::cerr << entry.dump() << "\n";
    }
  }

  /// Commits hello `version` whose release is at migration `state`: a MIGRATIONS file placed
  /// in the release by spec.config and printed by `hello migrate-status`.
  std::string commit_migrating(const std::string& version,
                               const std::string& state,
                               Build build = Build::healthy) {
    const HelloRelease& r = release(version, build);
    m_repo->write("config/hello/hello.conf",
                  "port=" + std::to_string(m_port) + "\nmessage=hello\n");
    m_repo->write("config/hello/MIGRATIONS", state + "\n");
    std::string yaml = hello_manifest(r);
    const std::string config = "target: etc/hello.conf}\n";
    yaml.insert(yaml.find(config) + config.size(),
                "    - {source: config/hello/MIGRATIONS, target: MIGRATIONS}\n");
    yaml += "  migrations:\n    command: [bin/hello, migrate-status]\n    onRollback: refuse\n";
    m_repo->write("services/hello.yaml", yaml);
    return m_repo->commit("hello " + version + " at migration " + state);
  }

  /// The first journal entry of hello with `action` whose reason contains `text` (null if none).
  nlohmann::json journaled(const std::string& action, const std::string& text) const {
    for (const nlohmann::json& entry : journal(m_root)) {
      if (entry.value("service", "") == "hello" && entry.value("action", "") == action &&
          entry.value("reason", "").find(text) != std::string::npos)
        return entry;
    }
    return nullptr;
  }

  void deploy_at(const std::string& version, const std::string& state) {
    commit_migrating(version, state);
    const CommandResult run = tether({"run", "--once"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_TRUE(hello_eventually_says("hello " + version + "\n"));
  }
};

TEST_F(MigrationsTest, ARollbackAcrossRecordedMigrationsIsFlaggedAndHeldUntilAccepted) {
  ASSERT_NO_FATAL_FAILURE(deploy_at("1.0.0", "0042"));
  ASSERT_NO_FATAL_FAILURE(deploy_at("2.0.0", "0045_add_users"));
  const std::string recorded = read_text(m_root / "services" / "hello" / "migrations.json");
  EXPECT_NE(recorded.find("\"0042\""), std::string::npos) << recorded;
  EXPECT_NE(recorded.find("\"0045_add_users\""), std::string::npos) << recorded;

  commit_migrating("1.0.0", "0042");  // the revert of 2.0.0
  const CommandResult preview =
      tether({"plan", "--live", "--ref", "main", "--repo", repo_url(), "--host", "e2e-host"});
  EXPECT_NE(preview.out.find("crosses migrations 0042..0045_add_users"), std::string::npos)
      << preview.out << preview.err;

  const CommandResult held = tether({"run", "--once"});
  EXPECT_EQ(held.exit_code, 1) << "a held rollback is not converged\n" << held.err;
  EXPECT_EQ(hello_says(), "hello 2.0.0\n");
  const nlohmann::json hold = journaled("suspend", "crosses migrations 0042..0045_add_users");
  ASSERT_TRUE(hold.is_object());
  EXPECT_NE(hold.value("reason", "").find("tether retry --accept-migrations hello"),
            std::string::npos);
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("crosses migrations"), std::string::npos) << status.out;

  const CommandResult accepted = tether({"retry", "--accept-migrations", "hello"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_NE(accepted.out.find("0045_add_users"), std::string::npos) << accepted.out;
  const CommandResult rolled_back = tether({"run", "--once"});
  EXPECT_EQ(rolled_back.exit_code, 0) << rolled_back.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_TRUE(journaled("rollback", "(accepted)").is_object());
}

TEST_F(MigrationsTest, AnAutoRollbackAcrossMigrationsIsHeldAndTheNewReleaseStays) {
  ASSERT_NO_FATAL_FAILURE(deploy_at("1.0.0", "0042"));
  commit_migrating("2.0.0", "0045", Build::broken_health);

  const CommandResult failed = tether({"run", "--once"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_NE(failed.err.find("crosses migrations 0042..0045"), std::string::npos) << failed.err;
  const nlohmann::json held = journaled("auto-rollback", "crosses migrations 0042..0045");
  ASSERT_TRUE(held.is_object());
  EXPECT_EQ(held.value("result", ""), "held");
  EXPECT_EQ(hello_says(), "hello 2.0.0\n") << "the old release was not started";
  EXPECT_NE(current_release_dir().find("2.0.0"), std::string::npos);

  ASSERT_EQ(tether({"retry", "--accept-migrations", "hello"}).exit_code, 0);
  const CommandResult back = tether({"run", "--once"});
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n")) << back.err;
}

}  // namespace
}  // namespace tether::test
