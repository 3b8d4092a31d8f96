// Issue #19: one signature policy. With verify.allCommits the agent (`run --once`) and its
// preview (`plan --live`) judge a tip by the same function, so they agree on a signed tip over
// an unsigned commit; and the fresh-host rule: a host that applied nothing checks every commit
// after verify.trustAnchor, or without an anchor the tip's whole history. Real ssh-keygen keys,
// real signed commits.
#include "agent_fixture.hpp"

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class TrustPolicyTest : public AgentTest {
 protected:
  TrustPolicyTest() {
    make_ssh_key(m_tmp / "team", "team");
    write_text(m_tmp / "allowed_signers",
               "ops@example.com namespaces=\"git\" " + read_text(m_tmp / "team.pub"));
  }

  /// The next commits signed by the team key, or unsigned.
  void signing(bool on) {
    const std::string work = m_repo->work().string();
    run_ok({"git", "-C", work, "config", "commit.gpgsign", on ? "true" : "false"});
    if (!on) return;
    run_ok({"git", "-C", work, "config", "gpg.format", "ssh"});
    run_ok({"git", "-C", work, "config", "user.signingkey", (m_tmp / "team").string()});
  }

  /// agent.yaml with allowedSigners, then `verify_extra` inside verify: {...}.
  fs::path config(const std::string& verify_extra) {
    const fs::path file = m_tmp / "agent.yaml";
    write_text(file,
               "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                   "\"}\nhost: {id: e2e-host}\nverify: {allowedSigners: " +
                   (m_tmp / "allowed_signers").string() + verify_extra + "}\n");
    return file;
  }

  nlohmann::json preview(const fs::path& agent_yaml) {
    const CommandResult run = tether(
        {"plan", "--live", "--ref", "main", "--config", agent_yaml.string(), "--format", "json"});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return nlohmann::json::parse(run.out, nullptr, false);
  }

  CommandResult run_once(const fs::path& agent_yaml) {
    return tether({"run", "--once", "--config", agent_yaml.string()});
  }

  std::string head() {
    return run_ok({"git", "-C", m_repo->work().string(), "rev-parse", "HEAD"}).substr(0, 40);
  }
};

TEST_F(TrustPolicyTest, PreviewAndAgentGiveTheSameVerdictOnASignedTipOverAnUnsignedCommit) {
  signing(true);
  commit_hello("1.0.0");
  ASSERT_EQ(run_once(config("")).exit_code, 0) << "tip-only policy applies the signed tip";
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  signing(false);
  m_repo->write("config/notes.txt", "unsigned change\n");
  m_repo->commit("an unsigned commit in the middle");
  signing(true);
  commit_hello("2.0.0");

  const fs::path strict = config(", allCommits: true");
  const nlohmann::json previewed = preview(strict);
  EXPECT_EQ(previewed["trust"]["admitted"], false) << previewed.dump(2);
  EXPECT_EQ(previewed["trust"]["signature"], "unsigned") << previewed.dump(2);
  EXPECT_NE(previewed["trust"]["detail"].get<std::string>().find("is not signed"),
            std::string::npos);
  const CommandResult agent = run_once(strict);
  EXPECT_EQ(agent.exit_code, 3) << agent.err;
  EXPECT_NE(agent.err.find("is not signed"), std::string::npos) << agent.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");

  // GET /plan on the agent's API (what `tether fleet plan` asks) says the same.
  const int api_port = free_port();
  start_daemon("1h", api_port, {"--config", strict.string()});
  ASSERT_TRUE(eventually([&] { return port_accepts(api_port); }, std::chrono::seconds(10)));
  const std::string answer = http_get(api_port, "/plan?ref=main");
  const nlohmann::json api = nlohmann::json::parse(answer, nullptr, false);
  EXPECT_EQ(api["trust"]["admitted"], false) << answer;
  EXPECT_EQ(api["trust"]["signature"], "unsigned") << answer;
  EXPECT_EQ(stop_daemon(), 0);

  // And they agree the other way: tip-only, both admit it.
  const nlohmann::json tip_only = preview(config(""));
  EXPECT_EQ(tip_only["trust"]["admitted"], true) << tip_only.dump(2);
  EXPECT_EQ(run_once(config("")).exit_code, 0);
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

TEST_F(TrustPolicyTest, AFreshHostChecksTheWholeHistoryUnlessATrustAnchorIsSet) {
  // The fixture's first commit and this one are unsigned; everything after the anchor is.
  m_repo->write("config/notes.txt", "from before signing\n");
  m_repo->commit("unsigned history");
  const std::string anchor = head();
  signing(true);
  commit_hello("1.0.0");

  const fs::path whole = config(", allCommits: true");
  const nlohmann::json previewed = preview(whole);
  EXPECT_EQ(previewed["trust"]["admitted"], false) << previewed.dump(2);
  const CommandResult refused = run_once(whole);
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("is not signed"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(m_root / "services" / "hello" / "current"));

  // An anchor that is not in the tip's history is refused, naming the key.
  const std::string elsewhere = "0123456789abcdef0123456789abcdef01234567";
  const CommandResult stray = run_once(config(", allCommits: true, trustAnchor: " + elsewhere));
  EXPECT_EQ(stray.exit_code, 3) << stray.err;
  EXPECT_NE(stray.err.find("verify.trustAnchor"), std::string::npos) << stray.err;

  const fs::path anchored = config(", allCommits: true, trustAnchor: " + anchor);
  const nlohmann::json admitted = preview(anchored);
  EXPECT_EQ(admitted["trust"]["admitted"], true) << admitted.dump(2);
  const CommandResult applied = run_once(anchored);
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
}

}  // namespace
}  // namespace tether::test
