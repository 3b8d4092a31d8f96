// Issue #5 acceptance 4 and 5: the agent follows only commits the team trusts. Unsigned,
// foreign-signed and tampered commits are refused, and so is a force-pushed branch; the host
// stays on its last good release. Real keys (ssh-keygen) and real signed commits (git -S).
#include "agent_fixture.hpp"

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class TrustTest : public AgentTest {
 protected:
  TrustTest() {
    make_key("team");
    make_key("stranger");
    write_text(m_tmp / "allowed_signers",
               "# who may change this fleet\nops@example.com namespaces=\"git\" " +
                   read_text(m_tmp / "team.pub"));
  }

  void make_key(const std::string& name) {
    run_ok(
        {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", (m_tmp / name).string()});
  }

  /// Makes the state repo's next commits signed by `key` ("" = unsigned).
  void sign_with(const std::string& key) {
    const std::string work = m_repo->work().string();
    if (key.empty()) {
      run_ok({"git", "-C", work, "config", "commit.gpgsign", "false"});
      return;
    }
    run_ok({"git", "-C", work, "config", "gpg.format", "ssh"});
    run_ok({"git", "-C", work, "config", "user.signingkey", (m_tmp / key).string()});
    run_ok({"git", "-C", work, "config", "commit.gpgsign", "true"});
  }

  /// agent.yaml with signature verification (and the extra lines given).
  fs::path agent_config(const std::string& extra_repo = "", const std::string& extra_verify = "") {
    const fs::path config = m_tmp / "agent.yaml";
    write_text(config,
               "apiVersion: tether.dev/v1\nkind: Agent\n"
               "repo: {url: \"" +
                   repo_url() + "\"" + extra_repo +
                   "}\n"
                   "verify: {allowedSigners: " +
                   (m_tmp / "allowed_signers").string() + extra_verify + "}\n");
    return config;
  }

  CommandResult run_once(const fs::path& config) {
    return tether({"run", "--once", "--config", config.string()});
  }

  /// Rewrites main's tip with its message changed but its signature kept, and pushes it.
  std::string push_tampered_tip() {
    const std::string work = m_repo->work().string();
    std::string object = run_ok({"git", "-C", work, "cat-file", "commit", "HEAD"});
    const size_t subject = object.rfind("\n\n");
    object = object.substr(0, subject) + "\n\nsomething else entirely\n";
    write_text(m_tmp / "tampered", object);
    const std::string sha =
        run_ok(
            {"git", "-C", work, "hash-object", "-t", "commit", "-w", (m_tmp / "tampered").string()})
            .substr(0, 40);
    run_ok({"git", "-C", work, "push", "-q", "-f", "origin", sha + ":refs/heads/main"});
    return sha;
  }
};

TEST_F(TrustTest, UnsignedCommitIsRefusedAndNothingIsInstalled) {
  commit_hello("1.0.0");
  const CommandResult run = run_once(agent_config());
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("is not signed"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(m_root / "services" / "hello" / "current"));
}

TEST_F(TrustTest, CommitSignedByAnUnlistedKeyIsRefused) {
  sign_with("stranger");
  commit_hello("1.0.0");
  const CommandResult run = run_once(agent_config());
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("not in allowed signers"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(m_root / "services" / "hello" / "current"));
}

TEST_F(TrustTest, TamperedSignedCommitIsRefused) {
  sign_with("team");
  commit_hello("1.0.0");
  push_tampered_tip();
  const CommandResult run = run_once(agent_config());
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("does not match"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(m_root / "services" / "hello" / "current"));
}

TEST_F(TrustTest, SignedCommitAppliesAndAnUnsignedOneOnTopIsRefused) {
  sign_with("team");
  commit_hello("1.0.0");
  const fs::path config = agent_config();
  const CommandResult applied = run_once(config);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));

  sign_with("");
  commit_hello("2.0.0");
  const CommandResult refused = run_once(config);
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "the host stays on its last good release";
}

TEST_F(TrustTest, AllCommitsAlsoChecksTheCommitsUnderASignedTip) {
  sign_with("team");
  commit_hello("1.0.0");
  ASSERT_EQ(run_once(agent_config()).exit_code, 0);
  sign_with("");
  m_repo->write("config/notes.txt", "unsigned change\n");
  m_repo->commit("an unsigned commit in the middle");
  sign_with("team");
  commit_hello("2.0.0");

  const CommandResult strict = run_once(agent_config("", ", allCommits: true"));
  EXPECT_EQ(strict.exit_code, 3) << strict.err;
  EXPECT_NE(strict.err.find("is not signed"), std::string::npos) << strict.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");

  const CommandResult tip_only = run_once(agent_config());
  EXPECT_EQ(tip_only.exit_code, 0) << tip_only.err;
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

TEST_F(AgentTest, ForcePushedBranchIsRefusedUnlessAllowed) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const std::string v1 = run_ok({"git", "-C", m_repo->work().string(), "rev-parse", "HEAD"});
  ASSERT_NO_FATAL_FAILURE(deploy("2.0.0"));
  // Rewrite history: drop 2.0.0 and put 3.0.0 on 1.0.0, as a careless force push would.
  run_ok({"git", "-C", m_repo->work().string(), "reset", "-q", "--hard", v1.substr(0, 40)});
  m_repo->write("services/hello.yaml", hello_manifest(release("3.0.0")));
  run_ok(
      {"git", "-C", m_repo->work().string(), "commit", "-q", "-am", "3.0.0 on rewritten history"});
  run_ok({"git", "-C", m_repo->work().string(), "push", "-q", "-f", "origin", "HEAD:main"});

  const CommandResult refused = tether({"run", "--once"});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("does not descend from"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("allowNonFastForward"), std::string::npos)
      << "says how to proceed: " << refused.err;
  EXPECT_EQ(hello_says(), "hello 2.0.0\n");

  const fs::path config = m_tmp / "agent.yaml";
  write_text(config,
             "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                 "\", allowNonFastForward: true}\n");
  const CommandResult allowed = tether({"run", "--once", "--config", config.string()});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_TRUE(hello_eventually_says("hello 3.0.0\n"));
}

}  // namespace
}  // namespace tether::test
