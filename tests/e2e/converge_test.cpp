// Acceptance 1: commit -> converge, upgrade, and `git revert` -> rollback, through the real
// binary against a real git daemon, with a real service answering over HTTP.
#include "agent_fixture.hpp"

#include <nlohmann/json.hpp>

#include <signal.h>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

nlohmann::json history_json(const CommandResult& result) {
  nlohmann::json entries = nlohmann::json::array();
  for (const std::string& line : lines_of(result.out))
    entries.push_back(nlohmann::json::parse(line));
  return entries;
}

TEST_F(AgentTest, ConvergesUpgradesAndRollsBackWithGitRevert) {
  const std::string v1_commit = commit_hello("1.0.0");
  CommandResult run = tether({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(current_release_dir(), release_dir_of("1.0.0"));
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_EQ(lines_of(read_text(m_root / "state" / "journal.jsonl")).size(), 1u);

  const std::string v2_commit = commit_hello("2.0.0");
  run = tether({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(current_release_dir(), release_dir_of("2.0.0"));
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));

  // Rolling back must reuse the installed v1 dir: make a fresh download impossible, and
  // remember what the dir looked like.
  const fs::path v1_dir = m_root / "services" / "hello" / "releases" / release_dir_of("1.0.0");
  const std::string v1_record = read_text(v1_dir / ".tether" / "release.json");
  fs::remove(release("1.0.0").artifact);
  fs::remove(m_root / "cache" / "artifacts" / release("1.0.0").artifact_sha256);

  const std::string revert_commit = m_repo->revert(v2_commit);
  run = tether({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(current_release_dir(), v1_dir.filename().string());
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_EQ(read_text(v1_dir / ".tether" / "release.json"), v1_record) << "v1 was reinstalled";

  const CommandResult history = tether({"history", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const nlohmann::json entries = history_json(history);  // newest first
  ASSERT_EQ(entries.size(), 3u) << history.out;
  EXPECT_EQ(entries[0]["action"], "rollback");
  EXPECT_EQ(entries[0]["to"]["version"], "1.0.0");
  EXPECT_EQ(entries[0]["from"]["version"], "2.0.0");
  EXPECT_EQ(entries[0]["stateCommit"], revert_commit);
  EXPECT_EQ(entries[1]["action"], "upgrade");
  EXPECT_EQ(entries[1]["to"]["version"], "2.0.0");
  EXPECT_EQ(entries[1]["stateCommit"], v2_commit);
  EXPECT_EQ(entries[2]["action"], "install");
  EXPECT_EQ(entries[2]["stateCommit"], v1_commit);
  for (const auto& entry : entries) EXPECT_EQ(entry["result"], "ok");

  const CommandResult text = tether({"history", "hello"});
  EXPECT_NE(text.out.find("rollback  2.0.0"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(revert_commit.substr(0, 12)), std::string::npos) << text.out;
}

TEST_F(AgentTest, RestartsAServiceThatDiedAndReportsStatus) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const auto record = nlohmann::json::parse(read_text(m_root / "services/hello/run/exec.pid"));
  ::kill(record.at("pid").get<pid_t>(), SIGKILL);
  ASSERT_TRUE(eventually([&] { return hello_says().empty(); }, std::chrono::seconds(5)));

  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("not running"), std::string::npos) << status.out;

  const CommandResult run = tether({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  const auto journal = lines_of(read_text(m_root / "state" / "journal.jsonl"));
  EXPECT_EQ(nlohmann::json::parse(journal.back())["action"], "restart");
  EXPECT_NE(tether({"status"}).out.find("running, pid"), std::string::npos);
}

TEST_F(AgentTest, JsonLogsAreOneObjectPerLine) {
  commit_hello("1.0.0");
  const CommandResult run = tether({"run", "--once", "--log-format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto lines = lines_of(run.err);
  ASSERT_FALSE(lines.empty());
  bool saw_applied = false;
  for (const std::string& line : lines) {
    const auto json = nlohmann::json::parse(line);  // throws (fails) if not JSON
    EXPECT_TRUE(json.contains("time") && json.contains("level") && json.contains("msg")) << line;
    if (json["msg"] == "applied") {
      saw_applied = true;
      EXPECT_EQ(json["service"], "hello");
      EXPECT_EQ(json["action"], "install");
      EXPECT_EQ(json["stateCommit"].get<std::string>().size(), 40u);
    }
  }
  EXPECT_TRUE(saw_applied) << run.err;
}

}  // namespace
}  // namespace tether::test
