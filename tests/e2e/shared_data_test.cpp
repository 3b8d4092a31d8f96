// Issue #23: data that survives releases (spec.shared), through the real agent: what release 1
// writes is read by release 2, by release 3 and by the rollback to release 2; pruning a release
// leaves the data alone; `tether releases` says which release is which.
#include "agent_fixture.hpp"

namespace tether::test {
namespace {

namespace fs = std::filesystem;

class SharedDataTest : public AgentTest {
 protected:
  /// hello `version` keeping one spare release, with shared data and a preSwitch hook that, as
  /// a migration would, copies what the releases before it left in data/versions to
  /// data/seen-by-<version> and adds its own version. Returns the state commit.
  std::string commit_with_shared(const std::string& version) {
    std::string manifest = hello_manifest(release(version));
    const std::string keep = "  keepReleases: 5\n";
    manifest.replace(manifest.find(keep), keep.size(), "  keepReleases: 1\n");
    manifest +=
        "  shared: {dirs: [data], files: [state.db]}\n"
        "  hooks:\n"
        "    preSwitch:\n"
        "      - /bin/sh\n"
        "      - -c\n"
        "      - v=$(cat VERSION); cat data/versions > data/seen-by-$v; echo $v >> data/versions\n";
    m_repo->write("config/hello/hello.conf",
                  "port=" + std::to_string(m_port) + "\nmessage=hello\n");
    m_repo->write("services/hello.yaml", manifest);
    return m_repo->commit("hello " + version + " with shared data");
  }

  void converge_to(const std::string& version) {
    const CommandResult run = tether({"run", "--once"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_TRUE(hello_eventually_says("hello " + version + "\n"));
  }

  [[nodiscard]] fs::path shared() const { return m_root / "services/hello/shared"; }
};

TEST_F(SharedDataTest, DataOutlivesReleasesPruningAndARollback) {
  commit_with_shared("1.0.0");
  ASSERT_NO_FATAL_FAILURE(converge_to("1.0.0"));
  const fs::path v1 = m_root / "services/hello/releases" / release_dir_of("1.0.0");
  EXPECT_EQ(fs::read_symlink(v1 / "data"), "../../shared/data");
  EXPECT_TRUE(fs::is_regular_file(shared() / "state.db"));
  EXPECT_EQ(fs::file_size(shared() / "state.db"), 0u);
  EXPECT_EQ(read_text(shared() / "data/versions"), "1.0.0\n");

  commit_with_shared("2.0.0");
  ASSERT_NO_FATAL_FAILURE(converge_to("2.0.0"));
  EXPECT_EQ(read_text(shared() / "data/seen-by-2.0.0"), "1.0.0\n");

  const std::string three = commit_with_shared("3.0.0");
  ASSERT_NO_FATAL_FAILURE(converge_to("3.0.0"));
  // The pass after a switch prunes what neither serves nor is the rollback target.
  ASSERT_NO_FATAL_FAILURE(converge_to("3.0.0"));
  EXPECT_FALSE(fs::exists(v1)) << "1.0.0 pruned (keepReleases: 1)";
  EXPECT_EQ(read_text(shared() / "data/versions"), "1.0.0\n2.0.0\n3.0.0\n");

  m_repo->revert(three);
  ASSERT_NO_FATAL_FAILURE(converge_to("2.0.0"));
  EXPECT_EQ(current_release_dir(), release_dir_of("2.0.0"));
  EXPECT_EQ(read_text(shared() / "data/seen-by-2.0.0"), "1.0.0\n2.0.0\n3.0.0\n")
      << "the rollback to 2.0.0 reads what 3.0.0 wrote";

  const CommandResult listed = tether({"releases", "hello", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto json = nlohmann::json::parse(listed.out);
  ASSERT_EQ(json["releases"].size(), 2u) << listed.out;
  std::map<std::string, nlohmann::json> by_version;
  for (const auto& r : json["releases"]) by_version[r["version"].get<std::string>()] = r;
  EXPECT_EQ(by_version["2.0.0"]["roles"], nlohmann::json::array({"live"})) << listed.out;
  EXPECT_EQ(by_version["3.0.0"]["roles"], nlohmann::json::array({"previous"})) << listed.out;
  EXPECT_GT(by_version["2.0.0"]["bytes"].get<long long>(), 0);
  EXPECT_FALSE(by_version["2.0.0"]["installedAt"].get<std::string>().empty());
  EXPECT_EQ(json["shared"]["dir"], shared().string());

  const CommandResult text = tether({"releases", "hello"});
  EXPECT_NE(text.out.find(release_dir_of("2.0.0")), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("shared data: " + shared().string()), std::string::npos) << text.out;
  EXPECT_EQ(tether({"releases", "nothing-here"}).exit_code, 1);
}

}  // namespace
}  // namespace tether::test
