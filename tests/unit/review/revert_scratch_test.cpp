// RevertRepo's agent side against real repositories made with the git CLI: a scratch repo that
// borrows a mirror's objects, the first-parent history of one file, ls-remote, fetch, and a
// push that never overwrites a branch that exists.
#include "command.hpp"
#include "git_fixture.hpp"
#include "review/revert_repo.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::review::revert_scratch_test {
namespace {

namespace fs = std::filesystem;
using test::run_ok;

std::string git(const fs::path& repo, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", repo.string()});
  std::string out = run_ok(args);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class RevertScratch : public ::testing::Test {
 protected:
  RevertScratch() : m_repo(m_tmp / "git") {
    m_repo.write("services/web.yaml", "version: 1\n");
    m_c1 = m_repo.commit("web 1");
    m_repo.write("README.md", "# state\n");
    m_c2 = m_repo.commit("readme");
    m_repo.write("services/web.yaml", "version: 2\n");
    m_c3 = m_repo.commit("web 2");
    // The agent's mirror has everything up to c3; the server moves on afterwards.
    run_ok({"git", "clone", "-q", "--bare", m_repo.bare().string(), (m_tmp / "mirror").string()});
    m_repo.write("hosts/web-01.yaml", "host\n");
    m_c4 = m_repo.commit("a host");
  }

  std::unique_ptr<RevertRepo> open_scratch() {
    auto repo = RevertRepo::open_scratch(
        {m_repo.file_url(), m_tmp / "scratch", m_tmp / "mirror" / "objects", "main", m_c3, {}});
    EXPECT_TRUE(repo) << repo.error().describe();
    return repo ? std::move(*repo) : nullptr;
  }

  test::TempDir m_tmp;
  test::StateRepo m_repo;
  std::string m_c1, m_c2, m_c3, m_c4;
};

TEST_F(RevertScratch, FileHistoryIsFirstParentNewestFirstFromTheMirrorsObjects) {
  auto repo = open_scratch();
  ASSERT_TRUE(repo);
  const auto history = repo->file_history(m_c3, "services/web.yaml", 10);
  ASSERT_TRUE(history) << history.error().describe();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].commit, m_c3);
  EXPECT_EQ((*history)[0].content, "version: 2\n");
  EXPECT_EQ((*history)[1].commit, m_c2);
  EXPECT_EQ((*history)[1].content, "version: 1\n");
  EXPECT_EQ((*history)[2].commit, m_c1);
  EXPECT_EQ(repo->file_history(m_c3, "services/web.yaml", 2)->size(), 2u) << "the limit";
  EXPECT_EQ(repo->file_history(m_c3, "services/db.yaml", 10)->front().content, std::nullopt);
  EXPECT_EQ(repo->subject(m_c3).value_or(""), "web 2");
  EXPECT_FALSE(repo->file_history(std::string(40, 'e'), "services/web.yaml", 10));
  // Read through the alternate: the scratch repo holds no object of its own.
  EXPECT_TRUE(fs::is_empty(m_tmp / "scratch" / "objects" / "pack"));
}

TEST_F(RevertScratch, StateHistoryReadsOnlyCommitsThatChangeTheStateDirs) {
  auto repo = open_scratch();
  ASSERT_TRUE(repo);
  std::vector<std::string> read;
  const auto identify = [&](const StateSnapshot& snapshot) -> std::optional<std::string> {
    const auto web = snapshot.files.find("services/web.yaml");
    read.push_back(web == snapshot.files.end() ? "" : web->second);
    if (web != snapshot.files.end() && web->second == "version: 1\n") return std::nullopt;
    return web == snapshot.files.end() ? "" : web->second;
  };
  const auto history = repo->state_history(m_c3, {}, identify);
  ASSERT_TRUE(history) << history.error().describe();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].commit, m_c3);
  EXPECT_EQ((*history)[0].identity, "version: 2\n");
  EXPECT_EQ((*history)[1].commit, m_c2);
  EXPECT_EQ((*history)[1].identity, std::nullopt) << "identify's verdict on version 1";
  EXPECT_EQ((*history)[2].commit, m_c1);
  // c2 changed only README.md, outside the state dirs: c2 and c1 are read once for both.
  EXPECT_EQ(read, (std::vector<std::string>{"version: 2\n", "version: 1\n"}));

  read.clear();
  const auto limited = repo->state_history(m_c3, {10, 1}, identify);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1u) << "one state read, and c2 needs another";
  const auto short_walk = repo->state_history(m_c3, {2, 100}, identify);
  ASSERT_TRUE(short_walk);
  EXPECT_EQ(short_walk->size(), 2u) << "two commits walked";
  EXPECT_FALSE(repo->state_history(std::string(40, 'e'), {}, identify));
}

TEST_F(RevertScratch, RevertsOntoTheServersTipAndPushesWithoutEverForcing) {
  auto repo = open_scratch();
  ASSERT_TRUE(repo);
  const auto refs = repo->remote_refs();
  ASSERT_TRUE(refs) << refs.error().describe();
  EXPECT_EQ(refs->at("refs/heads/main"), m_c4) << "ls-remote sees the server's tip";
  ASSERT_TRUE(repo->fetch_branch("main"));
  const auto made =
      repo->revert({m_c3, m_c4, "tether/revert-x", 1, Author{"tether on h", "tether@h"}},
                   std::string("Revert \"web 2\"\n\nevidence\n"));
  ASSERT_TRUE(made) << made.error().describe();
  EXPECT_EQ(made->message, "Revert \"web 2\"\n\nevidence\n");
  ASSERT_TRUE(repo->push("tether/revert-x"));
  const fs::path bare = m_repo.bare();
  EXPECT_EQ(git(bare, {"rev-parse", "tether/revert-x"}), made->commit);
  EXPECT_EQ(git(bare, {"rev-parse", "tether/revert-x^"}), m_c4);
  EXPECT_EQ(git(bare, {"show", "tether/revert-x:services/web.yaml"}), "version: 1");
  EXPECT_EQ(git(bare, {"show", "tether/revert-x:hosts/web-01.yaml"}), "host");
  EXPECT_EQ(git(bare, {"log", "-1", "--format=%an <%ae>", "tether/revert-x"}),
            "tether on h <tether@h>");
  EXPECT_EQ(git(bare, {"rev-parse", "main"}), m_c4) << "main untouched";

  // Another host's commit on the same branch name is refused, not forced over.
  fs::remove_all(m_tmp / "scratch");
  auto other = open_scratch();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->fetch_branch("main"));
  ASSERT_TRUE(other->revert({m_c3, m_c4, "tether/revert-x", 1, Author{"other", "o@h"}},
                            std::string("Revert from another host\n")));
  EXPECT_FALSE(other->push("tether/revert-x"));
  EXPECT_EQ(git(bare, {"rev-parse", "tether/revert-x"}), made->commit) << "the first push stays";
}

}  // namespace
}  // namespace tether::review::revert_scratch_test
