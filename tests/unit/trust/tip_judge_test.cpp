// judge_tip, the one trust policy (issue #19), over a small history with real SSH signatures
// (ssh-keygen -Y sign): which commits are checked for tip-only, allCommits from the applied
// commit, and the fresh-host rule (trust anchor, or the whole history), and how a rewrite or
// a stray anchor is refused.
#include "trust/tip_judge.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>

namespace tether::tip_judge_test {
namespace {

/// c0 <- c1 <- c2 <- c3 (main), and x1 <- c0 (a branch that is not in main's history).
class FakeHistory final : public StateSource {
 public:
  std::map<std::string, std::string> parent = {
      {"c0", ""}, {"c1", "c0"}, {"c2", "c1"}, {"c3", "c2"}, {"x1", "c0"}};
  std::map<std::string, SignedCommit> commits;

  Result<std::string> fetch() override { return std::string("c3"); }
  Result<StateSnapshot> snapshot(const std::string&) override { return Error{"unused", ""}; }
  SourceCounters counters() const override { return {}; }
  Result<SignedCommit> signed_commit(const std::string& commit) override {
    const auto it = commits.find(commit);
    if (it == commits.end()) return Error{"no commit " + commit, ""};
    return it->second;
  }
  Result<bool> descends_from(const std::string& commit, const std::string& ancestor) override {
    if (parent.count(ancestor) == 0) return Error{"no commit " + ancestor, ""};
    for (std::string at = commit; !at.empty(); at = parent[at]) {
      if (at == ancestor) return true;
    }
    return false;
  }
  Result<std::vector<std::string>> commits_since(const std::string& base,
                                                 const std::string& tip,
                                                 size_t limit) override {
    std::vector<std::string> out;
    for (std::string at = tip; !at.empty() && at != base && out.size() < limit; at = parent[at])
      out.push_back(at);
    return out;
  }
};

class TipJudge : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_tmp = new test::TempDir();
    const auto key = (*s_tmp / "key").string();
    test::make_ssh_key(key, "team");
    test::write_text(*s_tmp / "allowed_signers",
                     "team namespaces=\"git\" " + test::read_text(*s_tmp / "key.pub"));
  }
  static void TearDownTestSuite() { delete s_tmp; }

  /// A commit object whose signature is real, or unsigned.
  static SignedCommit commit(const std::string& id, bool is_signed) {
    SignedCommit out;
    out.signed_data = "tree 0\nauthor team\n\ncommit " + id + "\n";
    out.commit_time = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    if (!is_signed) return out;
    const auto data = *s_tmp / ("data-" + id);
    test::write_text(data, out.signed_data);
    test::run_ok({"ssh-keygen",
                  "-q",
                  "-Y",
                  "sign",
                  "-n",
                  "git",
                  "-f",
                  (*s_tmp / "key").string(),
                  data.string()});
    out.signature = test::read_text(data.string() + ".sig");
    return out;
  }

  /// Signed commits: the ids in `signed_ids`; the others are unsigned.
  void sign(const std::vector<std::string>& signed_ids) {
    for (const auto& [id, parent] : m_history.parent) {
      const bool is_signed =
          std::find(signed_ids.begin(), signed_ids.end(), id) != signed_ids.end();
      m_history.commits[id] = commit(id, is_signed);
    }
  }

  TrustPolicy policy(bool all_commits, const std::string& anchor = "") const {
    return TrustPolicy{*s_tmp / "allowed_signers", all_commits, anchor, false};
  }

  static std::string refusal(const TipJudgement& judgement) {
    return judgement.refusal ? judgement.refusal->message : "";
  }

  static test::TempDir* s_tmp;
  FakeHistory m_history;
};

test::TempDir* TipJudge::s_tmp = nullptr;

TEST_F(TipJudge, TipOnlyChecksTheTipAlone) {
  sign({"c3"});
  const TipJudgement judged = judge_tip(m_history, "c3", "c1", policy(false));
  EXPECT_EQ(judged.signature, SignatureVerdict::valid) << refusal(judged);
  EXPECT_FALSE(judged.refusal);
  EXPECT_EQ(judged.descends_from_applied, true);
}

TEST_F(TipJudge, AllCommitsChecksEveryCommitSinceTheAppliedOne) {
  sign({"c3", "c1", "c0"});  // c2, between applied c1 and the tip, is not
  const TipJudgement judged = judge_tip(m_history, "c3", "c1", policy(true));
  EXPECT_EQ(judged.signature, SignatureVerdict::unsigned_commit);
  EXPECT_EQ(refusal(judged), "commit c2 is not signed");
  sign({"c3", "c2"});  // what came before the applied commit is not asked about
  EXPECT_FALSE(judge_tip(m_history, "c3", "c1", policy(true)).refusal);
}

TEST_F(TipJudge, AFreshHostWithoutAnAnchorChecksTheWholeHistory) {
  sign({"c3", "c2", "c1"});
  const TipJudgement judged = judge_tip(m_history, "c3", "", policy(true));
  EXPECT_EQ(refusal(judged), "commit c0 is not signed");
  EXPECT_EQ(judged.descends_from_applied, std::nullopt);
}

TEST_F(TipJudge, AFreshHostChecksTheCommitsAfterItsAnchor) {
  sign({"c3", "c2"});
  const TipJudgement judged = judge_tip(m_history, "c3", "", policy(true, "c1"));
  EXPECT_EQ(judged.signature, SignatureVerdict::valid) << refusal(judged);
  EXPECT_EQ(refusal(judge_tip(m_history, "c3", "", policy(true, "c0"))), "commit c1 is not signed");
}

TEST_F(TipJudge, AnAnchorOutsideTheTipsHistoryIsRefused) {
  sign({"c3", "c2", "c1", "c0", "x1"});
  EXPECT_EQ(refusal(judge_tip(m_history, "c3", "", policy(true, "x1"))),
            "tip c3 does not descend from verify.trustAnchor x1");
  EXPECT_NE(refusal(judge_tip(m_history, "c3", "", policy(true, "nope")))
                .find("verify.trustAnchor nope cannot be read"),
            std::string::npos);
}

TEST_F(TipJudge, ARewriteIsRefusedUnlessAllowedAndThenJudgedLikeAFreshHost) {
  sign({"c3", "c2", "c1"});
  const TipJudgement refused = judge_tip(m_history, "c3", "x1", policy(true, "c0"));
  EXPECT_EQ(refused.descends_from_applied, false);
  EXPECT_NE(refusal(refused).find("does not descend from x1"), std::string::npos)
      << refusal(refused);
  EXPECT_EQ(refused.signature, SignatureVerdict::valid) << "signatures are still reported";

  TrustPolicy allowed = policy(true);
  allowed.allow_non_fast_forward = true;
  EXPECT_EQ(refusal(judge_tip(m_history, "c3", "x1", allowed)), "commit c0 is not signed");
  allowed.trust_anchor = "c0";
  EXPECT_FALSE(judge_tip(m_history, "c3", "x1", allowed).refusal);
}

TEST_F(TipJudge, WithoutAllowedSignersNothingIsRequired) {
  sign({});
  const TipJudgement judged = judge_tip(m_history, "c3", "c1", TrustPolicy{});
  EXPECT_EQ(judged.signature, SignatureVerdict::not_required);
  EXPECT_FALSE(judged.refusal);
}

}  // namespace
}  // namespace tether::tip_judge_test
