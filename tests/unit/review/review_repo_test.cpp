// The libgit2 review adapter and build_plan against real repositories made with the git CLI.
#include "review/review_repo.hpp"

#include "command.hpp"
#include "git_fixture.hpp"
#include "review/plan_builder.hpp"
#include "review/revert_repo.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::review::review_repo_test {
namespace {

namespace fs = std::filesystem;
using test::run_ok;

std::string web_yaml(const std::string& version, char build) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
         "  selector: {role: web}\n  release:\n    version: \"" +
         version + "\"\n    commit: " + std::string(40, build) +
         "\n    artifact:\n      url: https://artifacts.example.com/web.tar.gz\n      sha256: " +
         std::string(64, build) +
         "\n    binary:\n      path: bin/web\n      sha256: " + std::string(64, build) +
         "\n  run:\n    systemd: web.service\n";
}

std::string host_yaml(const std::string& name) {
  return "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: " + name +
         "\nspec:\n  labels: {role: web}\n";
}

class ReviewPlanRepo : public ::testing::Test {
 protected:
  ReviewPlanRepo() : m_repo(m_tmp / "git") {
    m_repo.write("hosts/web-01.yaml", host_yaml("web-01"));
    m_repo.write("hosts/web-02.yaml", host_yaml("web-02"));
    m_repo.write("services/web.yaml", web_yaml("1.4.2", 'a'));
    m_repo.write("README.md", "# state\n");
    m_v1 = m_repo.commit("web 1.4.2");
    m_repo.write("services/web.yaml", web_yaml("1.5.0", 'b'));
    m_v2 = m_repo.commit("web 1.5.0");
    m_revert = m_repo.revert(m_v2);
  }

  std::unique_ptr<ReviewRepo> open(const std::string& location) {
    auto repo = ReviewRepo::open(location, m_tmp.path());
    EXPECT_TRUE(repo) << repo.error().describe();
    return repo ? std::move(*repo) : nullptr;
  }

  test::TempDir m_tmp;
  test::StateRepo m_repo;
  std::string m_v1;
  std::string m_v2;
  std::string m_revert;
};

TEST_F(ReviewPlanRepo, ResolvesWhatGitRevParseDoes) {
  run_ok({"git", "-C", m_repo.work().string(), "tag", "v1", m_v1});
  auto repo = open(m_repo.work().string());
  ASSERT_TRUE(repo);
  EXPECT_EQ(*repo->resolve("HEAD"), m_revert);
  EXPECT_EQ(*repo->resolve("main"), m_revert);
  EXPECT_EQ(*repo->resolve("HEAD~1"), m_v2);
  EXPECT_EQ(*repo->resolve("v1"), m_v1);
  EXPECT_EQ(*repo->resolve(m_v2.substr(0, 10)), m_v2);
  const auto missing = repo->resolve("no-such-branch");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("\"no-such-branch\" not found"), std::string::npos);
}

TEST_F(ReviewPlanRepo, SnapshotHoldsTheTrackedDirsAtThatCommit) {
  auto repo = open(m_repo.bare().string());
  ASSERT_TRUE(repo);
  const auto snapshot = repo->snapshot(m_v2);
  ASSERT_TRUE(snapshot) << snapshot.error().describe();
  EXPECT_EQ(snapshot->commit, m_v2);
  EXPECT_EQ(snapshot->files.at("services/web.yaml"), web_yaml("1.5.0", 'b'));
  EXPECT_EQ(snapshot->files.count("hosts/web-02.yaml"), 1u);
  EXPECT_EQ(snapshot->files.count("README.md"), 0u);
}

TEST_F(ReviewPlanRepo, UrlsAreFetchedWithAllRefs) {
  run_ok({"git", "-C", m_repo.work().string(), "push", "-q", "origin", m_v1 + ":refs/heads/old"});
  auto repo = open(m_repo.file_url());
  ASSERT_TRUE(repo);
  EXPECT_EQ(*repo->resolve("HEAD"), m_revert);
  EXPECT_EQ(*repo->resolve("main~2"), m_v1);
  EXPECT_EQ(*repo->resolve("old"), m_v1);
}

TEST_F(ReviewPlanRepo, UnreachableOrMissingRepos) {
  const auto url = ReviewRepo::open("git://127.0.0.1:1/state.git", m_tmp / "scratch");
  ASSERT_FALSE(url);
  EXPECT_NE(url.error().message.find("cannot reach git://127.0.0.1:1/state.git"), std::string::npos)
      << url.error().message;
  const auto path = ReviewRepo::open((m_tmp / "nothing").string(), m_tmp.path());
  ASSERT_FALSE(path);
  EXPECT_NE(path.error().message.find("is not a Git repository"), std::string::npos);
  EXPECT_TRUE(is_remote_location("git@github.com:org/state.git"));
  EXPECT_FALSE(is_remote_location("/srv/state.git"));
  EXPECT_FALSE(is_remote_location("state"));
}

TEST_F(ReviewPlanRepo, ServiceHistoryKeepsEachBlobAtItsOldestFirstParentCommit) {
  auto repo = open(m_repo.work().string());
  ASSERT_TRUE(repo);
  const auto blobs = repo->service_history(m_revert, 1000);
  ASSERT_TRUE(blobs) << blobs.error().describe();
  ASSERT_EQ(blobs->size(), 2u);  // 1.4.2 (v1 and the revert) and 1.5.0 (v2)
  for (const HistoricBlob& blob : *blobs) {
    EXPECT_EQ(blob.service, "web");
    if (blob.content == web_yaml("1.4.2", 'a')) {
      EXPECT_EQ(blob.declared, (Declaration{2, m_v1}));
    } else {
      EXPECT_EQ(blob.declared, (Declaration{1, m_v2}));
    }
  }
  const auto bounded = repo->service_history(m_revert, 2);
  ASSERT_TRUE(bounded);
  for (const HistoricBlob& blob : *bounded) EXPECT_LT(blob.declared.age, 2);
}

TEST_F(ReviewPlanRepo, BuildsThePlanOfARevert) {
  auto repo = open(m_repo.bare().string());
  ASSERT_TRUE(repo);
  const PlanOutcome outcome = build_plan(*repo, PlanRequest{"HEAD~1", "main", std::nullopt, 1000});
  const auto* plan = std::get_if<ReviewPlan>(&outcome);
  ASSERT_TRUE(plan) << std::get<PlanError>(outcome).message;
  EXPECT_EQ(plan->from_commit, m_v2);
  EXPECT_EQ(plan->to_commit, m_revert);
  ASSERT_EQ(plan->hosts.size(), 2u);
  for (const HostPlan& host : plan->hosts) {
    ASSERT_EQ(host.services.size(), 1u);
    EXPECT_EQ(host.services[0].change, ChangeKind::rollback);
    EXPECT_EQ(host.services[0].reason, RollbackReason::declared_earlier);
    EXPECT_EQ(host.services[0].declared_at, m_v1);
  }
  ASSERT_EQ(plan->summary.size(), 1u);
  EXPECT_EQ(plan->summary[0].text, "2 hosts roll back web 1.5.0 → 1.4.2");
}

TEST_F(ReviewPlanRepo, ExtraHostFromTheCommandLine) {
  auto repo = open(m_repo.bare().string());
  ASSERT_TRUE(repo);
  PlanRequest request{m_v1, m_v2, HostIdentity{"web-99", {{"role", "web"}}}, 1000};
  const PlanOutcome outcome = build_plan(*repo, request);
  const auto* plan = std::get_if<ReviewPlan>(&outcome);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->hosts.size(), 3u);
  EXPECT_EQ(plan->hosts[2].host, "web-99");
  EXPECT_EQ(plan->hosts[2].services.at(0).change, ChangeKind::upgrade);
}

TEST_F(ReviewPlanRepo, InvalidInputIsReportedWithFileAndLine) {
  m_repo.write("services/web.yaml", web_yaml("1.6.0", 'c') + "  rollout: {percent: 150}\n");
  const std::string bad = m_repo.commit("bad percent");
  auto repo = open(m_repo.bare().string());
  ASSERT_TRUE(repo);
  const PlanOutcome to_bad = build_plan(*repo, PlanRequest{m_revert, bad, std::nullopt, 1000});
  const auto* error = std::get_if<PlanError>(&to_bad);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->failure, PlanFailure::invalid_to);
  EXPECT_NE(error->message.find("services/web.yaml:"), std::string::npos) << error->message;
  EXPECT_NE(error->message.find("spec.rollout.percent"), std::string::npos) << error->message;

  const PlanOutcome from_bad = build_plan(*repo, PlanRequest{bad, m_revert, std::nullopt, 1000});
  ASSERT_TRUE(std::holds_alternative<PlanError>(from_bad));
  EXPECT_EQ(std::get<PlanError>(from_bad).failure, PlanFailure::invalid_from);

  const PlanOutcome no_rev = build_plan(*repo, PlanRequest{"nope", "main", std::nullopt, 1000});
  ASSERT_TRUE(std::holds_alternative<PlanError>(no_rev));
  EXPECT_EQ(std::get<PlanError>(no_rev).failure, PlanFailure::bad_revision);
}

TEST(ReviewPlanRevertRepo, ParsesAuthors) {
  const auto author = parse_author("Ops Team <ops@example.com>");
  ASSERT_TRUE(author);
  EXPECT_EQ(author->name, "Ops Team");
  EXPECT_EQ(author->email, "ops@example.com");
  EXPECT_FALSE(parse_author("ops@example.com"));
  EXPECT_FALSE(parse_author("<ops@example.com>"));
  EXPECT_FALSE(parse_author("Ops <>"));
}

TEST_F(ReviewPlanRepo, RevertCommitsLikeGitAndNamesConflicts) {
  auto clone = RevertRepo::clone(m_repo.file_url(), m_tmp / "clone");
  ASSERT_TRUE(clone) << clone.error().describe();
  // Revert v2 on top of v2 itself: back to v1's web.yaml.
  const auto commit = (*clone)->revert({m_v2, m_v2, "undo", 0, Author{"Ops", "ops@example.com"}});
  ASSERT_TRUE(commit) << commit.error().describe();
  EXPECT_EQ(commit->subject, "web 1.5.0");
  EXPECT_EQ(commit->message, "Revert \"web 1.5.0\"\n\nThis reverts commit " + m_v2 + ".\n");
  const fs::path dir = m_tmp / "clone";
  EXPECT_EQ(run_ok({"git", "-C", dir.string(), "rev-parse", "HEAD"}).substr(0, 40), commit->commit);
  EXPECT_EQ(test::read_text(dir / "services/web.yaml"), web_yaml("1.4.2", 'a'));
  EXPECT_EQ(run_ok({"git", "-C", dir.string(), "log", "-1", "--format=%an <%ae>"}),
            "Ops <ops@example.com>\n");

  // On main v2 is reverted already: nothing to do.
  const auto empty = (*clone)->revert({m_v2, m_revert, "undo-2", 0, std::nullopt});
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("changes nothing"), std::string::npos);

  // v1 -> v2 -> v3 changed the same line: reverting v2 onto v3 conflicts.
  m_repo.write("services/web.yaml", web_yaml("1.6.0", 'c'));
  const std::string v3 = m_repo.commit("web 1.6.0");
  auto fresh = RevertRepo::clone(m_repo.file_url(), m_tmp / "clone-2");
  ASSERT_TRUE(fresh);
  const auto conflict = (*fresh)->revert({m_v2, v3, "undo", 0, std::nullopt});
  ASSERT_FALSE(conflict);
  EXPECT_NE(conflict.error().message.find("conflicts in services/web.yaml"), std::string::npos)
      << conflict.error().message;
}

}  // namespace
}  // namespace tether::review::review_repo_test
