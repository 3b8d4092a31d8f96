// `tether plan`: per host, what a change to the state repo does, read from a real git daemon.
#include "command.hpp"
#include "git_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::test {
namespace {

/// A release as CI would declare it: distinct made-up commit and digests per build.
std::string service_yaml(const std::string& name,
                         const std::string& version,
                         char build,
                         const std::string& extra = "") {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n" +
         extra + "  release:\n    version: \"" + version +
         "\"\n    commit: " + std::string(40, build) +
         "\n    artifact:\n      url: https://artifacts.example.com/" + name + "/" + name + "-" +
         version + ".tar.gz\n      sha256: " + std::string(64, build) +
         "\n    binary:\n      path: bin/" + name + "\n      sha256: 0" + std::string(63, build) +
         "\n  run:\n    systemd: " + name + ".service\n";
}

/// Hosts web-01..03 (role=web), web selected by role, db on every host.
class PlanCommand : public ::testing::Test {
 protected:
  PlanCommand() : m_repo(m_tmp / "git"), m_daemon(m_tmp / "git") {
    for (const std::string host : {"web-01", "web-02", "web-03"}) {
      m_repo.write("hosts/" + host + ".yaml",
                   "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: " + host +
                       "\nspec:\n  labels: {role: web}\n");
    }
    m_repo.write("services/web.yaml",
                 service_yaml("web", "1.4.2", 'a', "  selector: {role: web}\n"));
    m_repo.write("services/db.yaml", service_yaml("db", "2.0", 'd'));
    m_v1 = m_repo.commit("web 1.4.2, db 2.0");
    m_repo.write("services/web.yaml",
                 service_yaml("web", "1.5.0", 'b', "  selector: {role: web}\n"));
    m_v2 = m_repo.commit("web 1.5.0");
    m_revert = m_repo.revert(m_v2);
  }

  CommandResult tether(std::vector<std::string> args) const {
    args.insert(args.begin(), TETHER_BIN);
    return run_command(args, {}, std::chrono::seconds(60));
  }

  CommandResult plan(const std::string& format) const {
    return tether({"plan",
                   "--repo",
                   m_daemon.url("state.git"),
                   "--from",
                   m_v2,
                   "--to",
                   m_revert,
                   "--format",
                   format});
  }

  TempDir m_tmp;
  StateRepo m_repo;
  GitDaemon m_daemon;
  std::string m_v1;
  std::string m_v2;
  std::string m_revert;
};

TEST_F(PlanCommand, RevertOfAReleaseRollsEveryWebHostBackAsText) {
  const CommandResult result = plan("text");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  EXPECT_TRUE(contains(out, "\n3 hosts roll back web 1.5.0 → 1.4.2\n")) << out;
  for (const std::string host : {"web-01", "web-02", "web-03"}) {
    const size_t at = out.find("\n" + host + " (role=web)\n");
    ASSERT_NE(at, std::string::npos) << host << "\n" << out;
    const std::string section = out.substr(at, out.find("\n\n", at + 1) - at);
    EXPECT_TRUE(contains(section, "  db: unchanged 2.0 (commit dddddddddddd")) << section;
    EXPECT_TRUE(contains(
        section, "  web: rollback 1.5.0 (commit bbbbbbbbbbbb, binary 0bbbbbbbbbbb, config "))
        << section;
    EXPECT_TRUE(contains(section, "-> 1.4.2 (commit aaaaaaaaaaaa, binary 0aaaaaaaaaaa, config "))
        << section;
    EXPECT_TRUE(contains(section, "declared earlier (first at " + m_v1.substr(0, 12) + ")"))
        << section;
    EXPECT_TRUE(contains(section, "rollout 100% (bucket ")) << section;
  }
}

TEST_F(PlanCommand, RevertOfAReleaseAsMarkdownForAPullRequest) {
  const CommandResult result = plan("markdown");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  EXPECT_EQ(out.rfind("3 hosts roll back web 1.5.0 → 1.4.2\n", 0), 0u) << out;
  EXPECT_TRUE(contains(out,
                       "| web | **rollback** (declared earlier (first at " + m_v1.substr(0, 12) +
                           ")) | 1.5.0 `bbbbbbbbbbbb` | 1.4.2 `aaaaaaaaaaaa` | 100% | web-01, "
                           "web-02, web-03 |"))
      << out;
  EXPECT_TRUE(contains(out,
                       "| db | unchanged | 2.0 `dddddddddddd` | 2.0 `dddddddddddd` | 100% | "
                       "web-01, web-02, web-03 |"))
      << out;
}

TEST_F(PlanCommand, RevertOfAReleaseAsJson) {
  const CommandResult result = plan("json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["format"], "tether.plan/v1");
  EXPECT_EQ(json["from"]["commit"], m_v2);
  EXPECT_EQ(json["to"]["commit"], m_revert);
  ASSERT_EQ(json["hosts"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const auto& host = json["hosts"][i];
    EXPECT_EQ(host["host"], "web-0" + std::to_string(i + 1));
    EXPECT_EQ(host["labels"], (nlohmann::json{{"role", "web"}}));
    ASSERT_EQ(host["services"].size(), 2u);
    const auto& db = host["services"][0];
    EXPECT_EQ(db["service"], "db");
    EXPECT_EQ(db["change"], "unchanged");
    EXPECT_EQ(db["to"]["version"], "2.0");
    const auto& web = host["services"][1];
    EXPECT_EQ(web["service"], "web");
    EXPECT_EQ(web["change"], "rollback");
    EXPECT_EQ(web["applies"], true);
    EXPECT_EQ(web["reason"], "declared-earlier");
    EXPECT_EQ(web["declared_at"], m_v1);
    EXPECT_EQ(web["from"]["version"], "1.5.0");
    EXPECT_EQ(web["from"]["commit"], std::string(40, 'b'));
    EXPECT_EQ(web["to"]["version"], "1.4.2");
    EXPECT_EQ(web["to"]["commit"], std::string(40, 'a'));
    EXPECT_EQ(web["rollout"]["percent"], 100);
    EXPECT_EQ(web["rollout"]["included"], true);
  }
  ASSERT_EQ(json["summary"].size(), 1u);
  EXPECT_EQ(json["summary"][0]["change"], "rollback");
  EXPECT_EQ(json["summary"][0]["count"], 3);
  EXPECT_EQ(json["summary"][0]["text"], "3 hosts roll back web 1.5.0 → 1.4.2");
}

TEST_F(PlanCommand, RevisionsAsGitNamesThemOnLocalRepos) {
  // The bare repo by path, revisions by name: v1 -> v2 is an upgrade.
  const CommandResult upgrade =
      tether({"plan", "--repo", m_repo.bare().string(), "--from", "main~2", "--to", "main~1"});
  ASSERT_EQ(upgrade.exit_code, 0) << upgrade.err;
  EXPECT_TRUE(contains(upgrade.out, "\n3 hosts upgrade web 1.4.2 → 1.5.0\n")) << upgrade.out;

  // A working clone, its default --to (HEAD), and a host not in the repo.
  const CommandResult extra = tether({"plan",
                                      "--repo",
                                      m_repo.work().string(),
                                      "--from",
                                      m_v1,
                                      "--host",
                                      "db-01",
                                      "--label",
                                      "role=db",
                                      "--format",
                                      "json"});
  ASSERT_EQ(extra.exit_code, 0) << extra.err;
  const auto json = nlohmann::json::parse(extra.out);
  EXPECT_EQ(json["to"]["commit"], m_revert);
  EXPECT_EQ(json["headline"], "no host changes");
  ASSERT_EQ(json["hosts"].size(), 4u);
  EXPECT_EQ(json["hosts"][0]["host"], "db-01");
  ASSERT_EQ(json["hosts"][0]["services"].size(), 1u) << "only db: web selects role=web";
}

TEST_F(PlanCommand, InvalidInputExits3UnreachableRepoExits4) {
  const std::string url = m_daemon.url("state.git");
  const CommandResult bad_rev = tether({"plan", "--repo", url, "--from", "nope", "--to", "main"});
  EXPECT_EQ(bad_rev.exit_code, 3) << bad_rev.err;
  EXPECT_TRUE(contains(bad_rev.err, "--from: revision \"nope\" not found")) << bad_rev.err;

  m_repo.write("services/web.yaml",
               service_yaml("web", "1.6.0", 'c', "  selector: {role: web}\n") +
                   "  rollout: {percent: 150}\n");
  const std::string bad = m_repo.commit("percent out of range");
  const CommandResult invalid = tether({"plan", "--repo", url, "--from", m_revert, "--to", bad});
  EXPECT_EQ(invalid.exit_code, 3) << invalid.err;
  EXPECT_TRUE(contains(invalid.err, "the manifests at --to")) << invalid.err;
  EXPECT_TRUE(contains(invalid.err,
                       "services/web.yaml:18: spec.rollout.percent: expected an integer from 0 "
                       "to 100, got 150"))
      << invalid.err;
  EXPECT_TRUE(invalid.out.empty()) << invalid.out;

  const std::string closed = "git://127.0.0.1:" + std::to_string(free_port()) + "/state.git";
  const CommandResult unreachable = tether({"plan", "--repo", closed, "--from", "main"});
  EXPECT_EQ(unreachable.exit_code, 4) << unreachable.err;
  EXPECT_TRUE(contains(unreachable.err, "cannot reach " + closed)) << unreachable.err;

  const CommandResult usage =
      tether({"plan", "--repo", url, "--from", "main", "--label", "role=web"});
  EXPECT_EQ(usage.exit_code, 2) << usage.err;
  EXPECT_TRUE(contains(usage.err, "--label describes the host given with --host ID")) << usage.err;
}

TEST_F(PlanCommand, HelpTeachesWithExamplesAndExitStatuses) {
  const CommandResult help = tether({"plan", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "Examples:")) << help.out;
  EXPECT_TRUE(contains(help.out, "tether plan --from origin/main --to HEAD")) << help.out;
  EXPECT_TRUE(contains(help.out, "Exit status: 0")) << help.out;
  EXPECT_TRUE(contains(help.out, "\"tether.plan/v1\"")) << help.out;
}

}  // namespace
}  // namespace tether::test
