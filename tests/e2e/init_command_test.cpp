// `tether init DIR`: a new state repo that `tether validate` accepts as it is, and once the
// example service from examples/state-repo is added (the path docs/first-state-repo.md takes).
#include "command.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

const fs::path k_source = TETHER_SOURCE_DIR;

CommandResult tether(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {TETHER_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

TEST(InitCommand, MakesAValidStateRepoWithItsFirstCommit) {
  TempDir tmp;
  const fs::path repo = tmp / "state";
  const CommandResult init = tether({"init", repo.string()});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  EXPECT_TRUE(contains(init.out, "first commit ")) << init.out;

  for (const char* path : {"README.md",
                           "services/.gitkeep",
                           "hosts/.gitkeep",
                           "config/.gitkeep",
                           ".tether/schema/service.schema.json",
                           ".tether/schema/host.schema.json",
                           ".vscode/settings.json",
                           ".github/workflows/tether.yml"}) {
    EXPECT_TRUE(fs::exists(repo / path)) << path;
  }
  EXPECT_EQ(run_ok({"git", "-C", repo.string(), "rev-list", "--count", "HEAD"}), "1\n");
  EXPECT_EQ(run_ok({"git", "-C", repo.string(), "status", "--porcelain"}), "")
      << "every file is in the first commit";
  EXPECT_EQ(run_ok({"git", "-C", repo.string(), "symbolic-ref", "--short", "HEAD"}), "main\n");

  const CommandResult validate = tether({"validate", "--repo", repo.string(), "HEAD"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  EXPECT_TRUE(contains(validate.out, "valid: 0 services and 0 host files")) << validate.out;
  // The one warning says there is nothing to deploy yet; the .gitkeep files are not flagged.
  EXPECT_TRUE(contains(validate.out, ", 1 warning")) << validate.out;
  EXPECT_TRUE(contains(validate.out, "no services/*.yaml")) << validate.out;
  EXPECT_FALSE(contains(validate.out, ".gitkeep")) << validate.out;
}

TEST(InitCommand, TheExampleServiceValidatesInTheNewRepo) {
  TempDir tmp;
  const fs::path repo = tmp / "state";
  ASSERT_EQ(tether({"init", "--ci", "gitlab", "--branch", "prod", repo.string()}).exit_code, 0);
  EXPECT_TRUE(fs::exists(repo / ".gitlab-ci.yml"));
  fs::copy(
      k_source / "examples/state-repo/services", repo / "services", fs::copy_options::recursive);
  fs::copy(k_source / "examples/state-repo/config", repo / "config", fs::copy_options::recursive);
  run_ok({"git", "-C", repo.string(), "add", "-A"});
  run_ok({"git",
          "-C",
          repo.string(),
          "-c",
          "user.name=t",
          "-c",
          "user.email=t@example.com",
          "commit",
          "-q",
          "-m",
          "hello 1.0.0"});
  const CommandResult validate = tether({"validate", "--repo", repo.string(), "prod"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  EXPECT_TRUE(contains(validate.out, "valid: 1 service")) << validate.out;
}

TEST(InitCommand, RefusesANonEmptyDirectoryWithAHint) {
  TempDir tmp;
  write_text(tmp / "state" / "notes.txt", "mine\n");
  const CommandResult init = tether({"init", (tmp / "state").string()});
  EXPECT_EQ(init.exit_code, 2);
  EXPECT_TRUE(contains(init.err, "is not empty (it has notes.txt)")) << init.err;
  EXPECT_TRUE(contains(init.err, "\nhint: pass a new or empty directory")) << init.err;
  EXPECT_FALSE(fs::exists(tmp / "state" / ".git")) << "nothing was written";
}

TEST(InitCommand, NoCommitWritesIntoAnEmptyClone) {
  TempDir tmp;
  run_ok({"git", "init", "-q", (tmp / "clone").string()});
  const CommandResult init = tether({"init", "--no-commit", (tmp / "clone").string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(fs::exists(tmp / "clone" / "README.md"));
  EXPECT_FALSE(contains(init.out, "first commit")) << init.out;
}

}  // namespace
}  // namespace tether::test
