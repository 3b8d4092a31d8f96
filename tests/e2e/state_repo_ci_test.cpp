// scripts/state-repo-ci.sh and examples/ci/: a state repo's CI, run locally and as shipped.
#include "command.hpp"
#include "git_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

const fs::path k_source = TETHER_SOURCE_DIR;

CommandResult state_repo_ci(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> argv{"bash", (k_source / "scripts" / "state-repo-ci.sh").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> full_env{{"TETHER", TETHER_BIN}};
  full_env.insert(env.begin(), env.end());
  return run_command(argv, {}, std::chrono::seconds(120), full_env);
}

TEST(StateRepoCi, ValidatesAndPlansTheExampleStateRepo) {
  const CommandResult result = state_repo_ci({});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "==> tether validate")) << result.out;
  EXPECT_TRUE(contains(result.out, "valid: 1 service and 0 host files at ")) << result.out;
  EXPECT_TRUE(contains(result.out, "==> tether plan")) << result.out;
  // The plan of adopting the example repo, as markdown for a pull request.
  const std::string plan = result.out.substr(result.out.find("==> tether plan"));
  EXPECT_TRUE(contains(plan, "| hello | ")) << plan;
  EXPECT_TRUE(contains(plan, "example-host")) << plan;
  EXPECT_TRUE(contains(result.err, "not a Git repository of its own")) << result.err;
}

TEST(StateRepoCi, UsesAGitRepoAsItIsAndStopsBeforeThePlanWhenInvalid) {
  TempDir tmp;
  StateRepo repo(tmp / "git");
  const std::string service = read_text(k_source / "examples/state-repo/services/hello.yaml");
  repo.write("services/hello.yaml", service);
  repo.write("config/hello/hello.conf", "port=18080\n");
  repo.write("hosts/edge-01.yaml",
             "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: edge-01\nspec:\n"
             "  labels: {role: edge}\n");
  (void)repo.commit("hello 1.0.0");
  std::string bumped = service;
  bumped.replace(bumped.find("\"1.0.0\""), 7, "\"1.1.0\"");
  repo.write("services/hello.yaml", bumped);
  (void)repo.commit("hello 1.1.0");

  const CommandResult result = state_repo_ci({repo.work().string()});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "| hello | ")) << result.out;
  EXPECT_TRUE(contains(result.out, "1.0.0")) << result.out;
  EXPECT_TRUE(contains(result.out, "1.1.0")) << result.out;
  EXPECT_TRUE(contains(result.out, "edge-01")) << result.out;

  repo.write("services/hello.yaml", bumped + "  restartPolicy: always\n");
  (void)repo.commit("a typo");
  const CommandResult invalid = state_repo_ci({repo.work().string(), "HEAD~2"});
  EXPECT_EQ(invalid.exit_code, 1) << invalid.out << invalid.err;
  EXPECT_TRUE(contains(invalid.out, "services/hello.yaml:")) << invalid.out;
  EXPECT_TRUE(contains(invalid.out, "spec.restartPolicy: unknown field")) << invalid.out;
  EXPECT_FALSE(contains(invalid.out, "==> tether plan")) << invalid.out;
}

TEST(StateRepoCi, ExampleCiFilesAreYamlThatValidateAndPlan) {
  for (const std::string name : {"github-actions.yml", "gitlab-ci.yml"}) {
    const fs::path file = k_source / "examples" / "ci" / name;
    const CommandResult parsed =
        run_command({"/usr/bin/python3",
                     "-c",
                     "import sys, yaml; doc = yaml.safe_load(open(sys.argv[1])); "
                     "assert isinstance(doc, dict) and doc, 'not a mapping'",
                     file.string()});
    EXPECT_EQ(parsed.exit_code, 0) << name << ": " << parsed.err;
    const std::string text = read_text(file);
    EXPECT_TRUE(contains(text, "tether validate --repo . HEAD")) << name;
    EXPECT_TRUE(contains(text, "tether plan --repo . --from \"origin/")) << name;
    EXPECT_TRUE(contains(text, "--to HEAD --format markdown")) << name;
  }
  EXPECT_TRUE(contains(read_text(k_source / "examples/ci/README.md"), "scripts/state-repo-ci.sh"));
}

}  // namespace
}  // namespace tether::test
