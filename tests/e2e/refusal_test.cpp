// Acceptance 3-5: bad input never moves the host off its last good release, and --dry-run
// changes nothing on disk.
#include "agent_fixture.hpp"

#include <nlohmann/json.hpp>

#include <signal.h>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

/// Every path under `root` with its type, size, mtime and link target: a change anywhere
/// (a new file, a rewritten one, a switched link) changes the snapshot.
std::map<std::string, std::string> tree_snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path& p = it->path();
    std::string info;
    if (it->is_symlink()) {
      info = "link:" + fs::read_symlink(p).string();
    } else if (it->is_regular_file()) {
      info = "file:" + std::to_string(fs::file_size(p)) + ":" +
             std::to_string(fs::last_write_time(p).time_since_epoch().count());
    } else {
      info = "dir:" + std::to_string(fs::last_write_time(p).time_since_epoch().count());
    }
    out[fs::relative(p, root).string()] = info;
  }
  return out;
}

TEST_F(AgentTest, MalformedManifestIsRefusedAndTheHostKeepsServing) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const std::string v1_dir = current_release_dir();
  const pid_t pid = service_pid();

  m_repo->write("services/hello.yaml",
                hello_manifest(release("2.0.0")) + "  keepReleases: [oops\n");
  m_repo->commit("broken manifest");
  const CommandResult refused = tether({"run", "--once"});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("state commit refused"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("services/hello.yaml:2"), std::string::npos)
      << "names file and line: " << refused.err;
  EXPECT_EQ(current_release_dir(), v1_dir);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  EXPECT_EQ(service_pid(), pid) << "the service must not be restarted";

  // A semantically wrong (but well-formed) manifest is refused the same way.
  m_repo->write("services/hello.yaml",
                hello_manifest(release("2.0.0")) + "  rollout: {percent: 150}\n");
  m_repo->commit("percent out of range");
  const CommandResult semantic = tether({"run", "--once"});
  EXPECT_EQ(semantic.exit_code, 3);
  EXPECT_NE(semantic.err.find("spec.rollout.percent: expected an integer from 0 to 100, got 150"),
            std::string::npos)
      << semantic.err;
  EXPECT_EQ(current_release_dir(), v1_dir);

  commit_hello("2.0.0");
  const CommandResult fixed = tether({"run", "--once"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

TEST_F(AgentTest, WrongArtifactDigestIsRefusedBeforeAnythingSwitches) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const std::string v1_dir = current_release_dir();
  const pid_t pid = service_pid();

  const HelloRelease& v2 = release("2.0.0");
  m_repo->write("services/hello.yaml", hello_manifest(v2, std::string(64, 'f')));
  m_repo->commit("v2 with a wrong digest");
  const CommandResult run = tether({"run", "--once"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("has sha256 " + v2.artifact_sha256 + ", but the manifest declares " +
                         std::string(64, 'f')),
            std::string::npos)
      << run.err;
  EXPECT_EQ(current_release_dir(), v1_dir);
  EXPECT_EQ(service_pid(), pid);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  std::vector<std::string> releases;
  for (const auto& entry : fs::directory_iterator(m_root / "services/hello/releases")) {
    releases.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(releases, std::vector<std::string>{v1_dir}) << "no v2 dir, no leftovers";
  EXPECT_FALSE(fs::exists(m_root / "cache/artifacts" / std::string(64, 'f')));
  const auto journal = lines_of(read_text(m_root / "state/journal.jsonl"));
  EXPECT_EQ(nlohmann::json::parse(journal.back())["result"], "failed");
}

TEST_F(AgentTest, DryRunPrintsThePlanAndChangesNothing) {
  commit_hello("1.0.0");
  // On a host with nothing yet, the dry run must not even create the root.
  CommandResult dry = tether({"run", "--once", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("hello: install 1.0.0"), std::string::npos) << dry.out;
  EXPECT_FALSE(fs::exists(m_root));

  ASSERT_EQ(tether({"run", "--once"}).exit_code, 0);
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  commit_hello("2.0.0");
  const auto before = tree_snapshot(m_root);
  dry = tether({"run", "--once", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(
      dry.out.find("hello: upgrade 1.0.0 (" + release("1.0.0").commit.substr(0, 12) + ") -> 2.0.0"),
      std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("download and install"), std::string::npos) << dry.out;
  EXPECT_EQ(tree_snapshot(m_root), before);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
}

}  // namespace
}  // namespace tether::test
