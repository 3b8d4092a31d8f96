// `tether revert`: a revert commit on a new branch, pushed to a real git daemon, with its plan.
#include "command.hpp"
#include "git_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

std::string revert_service_yaml(const std::string& name, const std::string& version, char build) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name +
         "\nspec:\n  release:\n    version: \"" + version +
         "\"\n    commit: " + std::string(40, build) +
         "\n    artifact:\n      url: https://artifacts.example.com/" + name +
         ".tar.gz\n      sha256: " + std::string(64, build) + "\n    binary:\n      path: bin/" +
         name + "\n      sha256: " + std::string(64, build) + "\n  run:\n    systemd: " + name +
         ".service\n";
}

/// web-01..03, web 1.4.2 and db 2.0 (v1), then web 1.5.0 (v2), on a git daemon accepting pushes.
class RevertCommand : public ::testing::Test {
 protected:
  RevertCommand() : m_repo(m_tmp / "git"), m_daemon(m_tmp / "git") {
    for (const std::string host : {"web-01", "web-02", "web-03"}) {
      m_repo.write("hosts/" + host + ".yaml",
                   "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: " + host +
                       "\nspec:\n  labels: {role: web}\n");
    }
    m_repo.write("services/web.yaml", revert_service_yaml("web", "1.4.2", 'a'));
    m_repo.write("services/db.yaml", revert_service_yaml("db", "2.0", 'd'));
    m_v1 = m_repo.commit("web 1.4.2, db 2.0");
    m_repo.write("services/web.yaml", revert_service_yaml("web", "1.5.0", 'b'));
    m_v2 = m_repo.commit("web 1.5.0");
  }

  CommandResult tether(std::vector<std::string> args) const {
    args.insert(args.begin(), TETHER_BIN);
    return run_command(args, {}, std::chrono::seconds(60));
  }

  /// The daemon's refs/heads/<branch> sha, "" when it has no such branch.
  std::string remote_branch(const std::string& branch) const {
    const std::string out =
        run_ok({"git", "ls-remote", m_daemon.url("state.git"), "refs/heads/" + branch});
    return out.substr(0, out.find('\t'));
  }

  TempDir m_tmp;
  StateRepo m_repo;
  GitDaemon m_daemon;
  std::string m_v1;
  std::string m_v2;
};

TEST_F(RevertCommand, PushesARevertBranchWhosePlanRollsBack) {
  const std::string url = m_daemon.url("state.git");
  const std::string branch = "revert-" + m_v2.substr(0, 12);
  const CommandResult result =
      tether({"revert", m_v2, "--repo", url, "--push", "--author", "Ops <ops@example.com>"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "on branch " + branch)) << result.out;
  EXPECT_TRUE(contains(result.out, "pushed branch " + branch + " to " + url)) << result.out;
  EXPECT_TRUE(contains(result.out, "\n3 hosts roll back web 1.5.0 → 1.4.2\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "  web: rollback 1.5.0 (commit bbbbbbbbbbbb")) << result.out;
  EXPECT_TRUE(contains(result.out, "pull request title:\nRevert \"web 1.5.0\"\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "pull request body:\nThis reverts commit " + m_v2))
      << result.out;

  const std::string tip = remote_branch(branch);
  ASSERT_EQ(tip.size(), 40u) << "the branch exists on the daemon";
  const fs::path check = m_tmp / "check";
  run_ok({"git", "clone", "-q", url, check.string()});
  const CommandResult diff = run_command({"git",
                                          "-C",
                                          check.string(),
                                          "diff",
                                          "--quiet",
                                          m_v1,
                                          "origin/" + branch,
                                          "--",
                                          "services/web.yaml"});
  EXPECT_EQ(diff.exit_code, 0) << "web.yaml is back to v1's";
  EXPECT_EQ(run_ok({"git", "-C", check.string(), "log", "-1", "--format=%P%n%an <%ae>%n%B", tip}),
            m_v2 + "\nOps <ops@example.com>\nRevert \"web 1.5.0\"\n\nThis reverts commit " + m_v2 +
                ".\n\n");

  // The same branch again: refused, nothing overwritten.
  const CommandResult again = tether({"revert", m_v2, "--repo", url, "--push"});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_TRUE(contains(again.err, "branch " + branch + " already exists")) << again.err;
  EXPECT_EQ(remote_branch(branch), tip);
}

TEST_F(RevertCommand, WithoutPushTheBranchStaysInTheKeptWorkdir) {
  const fs::path workdir = m_tmp / "undo";
  const CommandResult result = tether({"revert",
                                       "main",
                                       "--repo",
                                       m_daemon.url("state.git"),
                                       "--branch",
                                       "undo-web",
                                       "--workdir",
                                       workdir.string(),
                                       "--format",
                                       "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["reverted"]["commit"], m_v2);
  EXPECT_EQ(json["branch"], "undo-web");
  EXPECT_EQ(json["pushed"], false);
  EXPECT_EQ(json["pull_request"]["title"], "Revert \"web 1.5.0\"");
  EXPECT_EQ(json["plan"]["headline"], "3 hosts roll back web 1.5.0 → 1.4.2");
  EXPECT_EQ(remote_branch("undo-web"), "") << "nothing pushed";
  EXPECT_EQ(run_ok({"git", "-C", workdir.string(), "rev-parse", "--abbrev-ref", "HEAD"}),
            "undo-web\n");
  EXPECT_EQ(read_text(workdir / "services/web.yaml"), revert_service_yaml("web", "1.4.2", 'a'));
}

TEST_F(RevertCommand, ConflictNamesTheFilesAndNothingIsPushed) {
  m_repo.write("services/web.yaml", revert_service_yaml("web", "1.6.0", 'c'));
  m_repo.commit("web 1.6.0");
  const CommandResult result =
      tether({"revert", m_v2, "--repo", m_daemon.url("state.git"), "--push"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(contains(result.err, "conflicts in services/web.yaml")) << result.err;
  EXPECT_EQ(remote_branch("revert-" + m_v2.substr(0, 12)), "");
}

TEST_F(RevertCommand, BadInputAndUnreachableRepo) {
  const CommandResult bad = tether({"revert", "nope", "--repo", m_daemon.url("state.git")});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_TRUE(contains(bad.err, "revision \"nope\" not found")) << bad.err;

  const CommandResult onto =
      tether({"revert", m_v2, "--repo", m_daemon.url("state.git"), "--onto", "release"});
  EXPECT_EQ(onto.exit_code, 3) << onto.err;
  EXPECT_TRUE(contains(onto.err, "branch release not found")) << onto.err;

  const std::string closed = "git://127.0.0.1:" + std::to_string(free_port()) + "/state.git";
  const CommandResult unreachable = tether({"revert", m_v2, "--repo", closed});
  EXPECT_EQ(unreachable.exit_code, 4) << unreachable.err;
  EXPECT_TRUE(contains(unreachable.err, "cannot clone " + closed)) << unreachable.err;

  const CommandResult author =
      tether({"revert", m_v2, "--repo", m_daemon.url("state.git"), "--author", "ops"});
  EXPECT_EQ(author.exit_code, 2) << author.err;

  const CommandResult help = tether({"revert", "--help"});
  EXPECT_TRUE(contains(help.out, "Examples:")) << help.out;
  EXPECT_TRUE(contains(help.out, "Exit status: 0 done")) << help.out;
}

}  // namespace
}  // namespace tether::test
