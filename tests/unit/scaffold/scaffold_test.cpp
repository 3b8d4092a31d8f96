#include "scaffold/scaffold.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace tether::scaffold_test {
namespace {

const std::filesystem::path k_source = TETHER_SOURCE_DIR;

const ScaffoldFile* find(const std::vector<ScaffoldFile>& files, const std::string& path) {
  const auto it = std::find_if(
      files.begin(), files.end(), [&](const ScaffoldFile& f) { return f.path == path; });
  return it == files.end() ? nullptr : &*it;
}

TEST(Scaffold, CarriesTheSchemasAndCiOfThisSourceTree) {
  const auto files = state_repo_scaffold(CiKind::github, "main");
  const ScaffoldFile* schema = find(files, ".tether/schema/service.schema.json");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->content, test::read_text(k_source / "manifests-schema/service.schema.json"));
  const ScaffoldFile* ci = find(files, ".github/workflows/tether.yml");
  ASSERT_NE(ci, nullptr);
  EXPECT_EQ(ci->content, test::read_text(k_source / "examples/ci/github-actions.yml"));
  for (const char* dir : {"services/.gitkeep", "hosts/.gitkeep", "config/.gitkeep"})
    EXPECT_NE(find(files, dir), nullptr) << dir;
  const ScaffoldFile* settings = find(files, ".vscode/settings.json");
  ASSERT_NE(settings, nullptr);
  EXPECT_NE(settings->content.find("\".tether/schema/service.schema.json\": \"services/*.yaml\""),
            std::string::npos);
}

TEST(Scaffold, ChoosesTheCiPipelineAndBranch) {
  const auto gitlab = state_repo_scaffold(CiKind::gitlab, "main");
  EXPECT_NE(find(gitlab, ".gitlab-ci.yml"), nullptr);
  EXPECT_EQ(find(gitlab, ".github/workflows/tether.yml"), nullptr);
  const auto none = state_repo_scaffold(CiKind::none, "prod");
  EXPECT_EQ(find(none, ".gitlab-ci.yml"), nullptr);
  EXPECT_EQ(find(none, ".github/workflows/tether.yml"), nullptr);
  EXPECT_NE(find(none, "README.md")->content.find("--from origin/prod"), std::string::npos);
  const auto github = state_repo_scaffold(CiKind::github, "prod");
  EXPECT_NE(find(github, ".github/workflows/tether.yml")->content.find("branches: [prod]"),
            std::string::npos);
}

TEST(Scaffold, ParsesCiKinds) {
  CiKind kind = CiKind::none;
  EXPECT_TRUE(parse_ci_kind("gitlab", kind));
  EXPECT_EQ(kind, CiKind::gitlab);
  EXPECT_FALSE(parse_ci_kind("jenkins", kind));
}

}  // namespace
}  // namespace tether::scaffold_test
