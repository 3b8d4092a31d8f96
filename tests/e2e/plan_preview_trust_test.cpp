// Issue #10 part 2: a preview reports the trust verdict of the ref's tip (signature against
// verify.allowedSigners) but previews an unsigned or foreign-signed pull request all the same,
// saying that agents would refuse it as it is. Real keys (ssh-keygen), real signed commits.
#include "agent_fixture.hpp"

#include <iostream>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class PlanPreviewTrustTest : public AgentTest {
 protected:
  PlanPreviewTrustTest() {
    for (const char* name : {"team", "stranger"}) {
      make_ssh_key(m_tmp / name, name);
    }
    write_text(m_tmp / "allowed_signers",
               "ops@example.com namespaces=\"git\" " + read_text(m_tmp / "team.pub"));
    write_text(m_config,
               "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                   "\"}\nhost: {id: e2e-host}\nverify: {allowedSigners: " +
                   (m_tmp / "allowed_signers").string() + "}\n");
  }

  /// The next commits signed by `key` ("" = unsigned).
  void sign_with(const std::string& key) {
    const std::string work = m_repo->work().string();
    run_ok({"git", "-C", work, "config", "commit.gpgsign", key.empty() ? "false" : "true"});
    if (key.empty()) return;
    run_ok({"git", "-C", work, "config", "gpg.format", "ssh"});
    run_ok({"git", "-C", work, "config", "user.signingkey", (m_tmp / key).string()});
  }

  /// hello `version` on a new branch, committed with the current signing settings.
  void push_branch(const std::string& branch, const std::string& version) {
    const std::string work = m_repo->work().string();
    run_ok({"git", "-C", work, "checkout", "-q", "-b", branch, "main"});
    m_repo->write("services/hello.yaml", hello_manifest(release(version)));
    run_ok({"git", "-C", work, "commit", "-q", "-am", "hello " + version});
    run_ok({"git", "-C", work, "push", "-q", "origin", branch});
    run_ok({"git", "-C", work, "checkout", "-q", "main"});
  }

  nlohmann::json preview(const std::string& ref) {
    const CommandResult run =
        tether({"plan", "--live", "--ref", ref, "--config", m_config.string(), "--format", "json"});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return nlohmann::json::parse(run.out, nullptr, false);
  }

  fs::path m_config = m_tmp / "agent.yaml";
};

TEST_F(PlanPreviewTrustTest, UnsignedAndForeignTipsArePreviewedWithTheirVerdict) {
  sign_with("team");
  commit_hello("1.0.0");
  const CommandResult applied = tether({"run", "--once", "--config", m_config.string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;

  push_branch("pr-signed", "1.1.0");
  sign_with("stranger");
  push_branch("pr-stranger", "1.1.0");
  sign_with("");
  push_branch("pr-unsigned", "1.1.0");

  const nlohmann::json signed_tip = preview("pr-signed");
  EXPECT_EQ(signed_tip["trust"]["signature"], "valid") << signed_tip.dump(2);
  EXPECT_EQ(signed_tip["trust"]["admitted"], true);
  EXPECT_EQ(signed_tip["trust"]["descendsFromApplied"], true);

  const nlohmann::json foreign = preview("pr-stranger");
  EXPECT_EQ(foreign["trust"]["signature"], "invalid") << foreign.dump(2);
  EXPECT_EQ(foreign["trust"]["admitted"], false);
  EXPECT_FALSE(foreign["trust"]["detail"].get<std::string>().empty());

  const nlohmann::json unsigned_tip = preview("pr-unsigned");
  EXPECT_EQ(unsigned_tip["trust"]["signature"], "unsigned") << unsigned_tip.dump(2);
  EXPECT_EQ(unsigned_tip["trust"]["admitted"], false);
  // Previewed all the same: the PR's effect on this host.
  ASSERT_EQ(unsigned_tip["services"].size(), 1u);
  EXPECT_EQ(unsigned_tip["services"][0]["action"], "upgrade");
  EXPECT_EQ(unsigned_tip["services"][0]["desired"]["version"], "1.1.0");

  const CommandResult text =
      tether({"plan", "--live", "--ref", "pr-unsigned", "--config", m_config.string()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  std::cout << text.out;
  EXPECT_NE(text.out.find("signature: unsigned; the tip is not signed: agents here would refuse "
                          "it as it is"),
            std::string::npos)
      << text.out;
  EXPECT_EQ(current_release_dir(), release_dir_of("1.0.0")) << "a preview switches nothing";
}

}  // namespace
}  // namespace tether::test
