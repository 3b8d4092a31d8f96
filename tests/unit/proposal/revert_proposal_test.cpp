#include "proposal/revert_proposal.hpp"

#include <gtest/gtest.h>

namespace tether::proposal::revert_proposal_test {
namespace {

const std::string k_v2 = "binary:2.0.0:aaa:111";
const std::string k_v3 = "binary:3.0.0:bbb:222";

std::string sha(char c) { return std::string(40, c); }

TEST(IntroducingCommit, IsTheOldestOfTheNewestRunDeclaringTheFailingRelease) {
  // Newest first: e and d keep v3 (other files changed), c declared it, b and a had v2.
  const std::vector<DeclaredAt> history = {
      {sha('e'), k_v3}, {sha('d'), k_v3}, {sha('c'), k_v3}, {sha('b'), k_v2}, {sha('a'), k_v2}};
  EXPECT_EQ(introducing_commit(history, k_v3), sha('c'));
}

TEST(IntroducingCommit, TheStateCommitItself) {
  EXPECT_EQ(introducing_commit({{sha('b'), k_v3}, {sha('a'), k_v2}}, k_v3), sha('b'));
}

TEST(IntroducingCommit, AnEarlierDeclarationOfTheSameReleaseDoesNotCount) {
  // v3 was declared, reverted to v2, declared again: the newest declaration is the one.
  const std::vector<DeclaredAt> history = {
      {sha('d'), k_v3}, {sha('c'), k_v2}, {sha('b'), k_v3}, {sha('a'), k_v2}};
  EXPECT_EQ(introducing_commit(history, k_v3), sha('d'));
}

TEST(IntroducingCommit, AMissingOrBrokenManifestBeforeCountsAsAChange) {
  EXPECT_EQ(introducing_commit({{sha('b'), k_v3}, {sha('a'), ""}}, k_v3), sha('b'));
}

TEST(IntroducingCommit, NoneWhenTheStateMovedOnOrTheWalkNeverLeavesTheRelease) {
  EXPECT_EQ(introducing_commit({{sha('b'), k_v2}, {sha('a'), k_v3}}, k_v3), std::nullopt)
      << "the state commit no longer declares it";
  EXPECT_EQ(introducing_commit({{sha('b'), k_v3}, {sha('a'), k_v3}}, k_v3), std::nullopt)
      << "created with it, or declared before the walk's limit: nothing to revert to";
  EXPECT_EQ(introducing_commit({}, k_v3), std::nullopt);
  EXPECT_EQ(introducing_commit({{sha('a'), ""}}, ""), std::nullopt);
}

TEST(IntroducingCommit, AConfigFileChangeAfterTheVersionBumpIsTheOneToRevert) {
  // #17: d bumped the version (fingerprint F1, which passed), c changed config/web/app.yaml
  // (F2, which failed). Identities are this host's fingerprints, whichever file made them, so
  // the config commit is reverted, not the version bump.
  const std::string f1 = "fingerprint-1";
  const std::string f2 = "fingerprint-2";
  const std::vector<DeclaredAt> history = {{sha('e'), f2}, {sha('c'), f2}, {sha('d'), f1}};
  EXPECT_EQ(introducing_commit(history, f2), sha('c'));
}

TEST(IntroducingCommit, CommitsNoAgentCouldLoadAreSteppedOver) {
  // c broke the manifests (refused everywhere), d fixed them keeping b's failing change:
  // b made the failing fingerprint, not d.
  const std::vector<DeclaredAt> history = {
      {sha('d'), k_v3}, {sha('c'), std::nullopt}, {sha('b'), k_v3}, {sha('a'), k_v2}};
  EXPECT_EQ(introducing_commit(history, k_v3), sha('b'));
  // A refused commit right before the change: the change is still the newest failing one.
  EXPECT_EQ(
      introducing_commit({{sha('c'), k_v3}, {sha('b'), std::nullopt}, {sha('a'), k_v2}}, k_v3),
      sha('c'));
  EXPECT_EQ(introducing_commit({{sha('b'), std::nullopt}, {sha('a'), k_v3}}, k_v3), std::nullopt)
      << "the state commit itself must declare the failing fingerprint";
  EXPECT_EQ(introducing_commit({{sha('b'), k_v3}, {sha('a'), std::nullopt}}, k_v3), std::nullopt)
      << "nothing loadable before it: nothing to revert to";
}

TEST(ProposalBranch, PrefixAndTwelveHex) {
  EXPECT_EQ(proposal_branch("tether/revert-", "0123456789abcdef0123456789abcdef01234567"),
            "tether/revert-0123456789ab");
  EXPECT_EQ(proposal_branch("ops/undo-", sha('f')), "ops/undo-ffffffffffff");
}

TEST(DescribeProbe, EachKindWithItsTiming) {
  HealthSpec health;
  health.probe = HttpProbe{"http://127.0.0.1:8080/healthz", 200, ""};
  health.timeout = Millis(1000);
  health.interval = Millis(100);
  health.successes = 2;
  health.deadline = Millis(4000);
  EXPECT_EQ(describe_probe(health),
            "http GET http://127.0.0.1:8080/healthz expecting 200 (timeout 1s, every 100ms, 2 in "
            "a row within 4s)");
  health.probe = HttpProbe{"http://127.0.0.1:8080/ready", 204, "ok"};
  const std::string with_body =
      "http GET http://127.0.0.1:8080/ready expecting 204 and a body containing \"ok\" (timeout";
  EXPECT_EQ(describe_probe(health).substr(0, with_body.size()), with_body);
  health.probe = TcpProbe{"127.0.0.1:5432"};
  EXPECT_EQ(describe_probe(health).substr(0, 26), "tcp connect 127.0.0.1:5432");
  health.probe = ExecProbe{{"bin/web", "--check"}};
  EXPECT_EQ(describe_probe(health).substr(0, 21), "exec bin/web --check ");
}

JournalEntry entry(const std::string& service,
                   const std::string& action,
                   const std::string& from,
                   const std::string& to,
                   const std::string& result) {
  JournalEntry e;
  e.time = "2026-11-23T18:00:00Z";
  e.service = service;
  e.action = action;
  if (!from.empty()) e.from = JournalRelease{from, "", ""};
  if (!to.empty()) e.to = JournalRelease{to, "", ""};
  e.result = result;
  return e;
}

TEST(JournalExcerpt, LastLinesOfTheServiceOldestFirstWithoutEarlierProposals) {
  std::vector<JournalEntry> entries = {
      entry("web", "install", "", "1.0.0", "ok"),
      entry("hello", "install", "", "2.0.0", "ok"),
      entry("web", "upgrade", "1.0.0", "1.1.0", "ok"),
      entry("hello", "upgrade", "2.0.0", "3.0.0", "failed"),
      entry("hello", "auto-rollback", "3.0.0", "2.0.0", "ok"),
      entry("hello", "revert-proposal", "", "3.0.0", "failed"),
  };
  entries[3].error = "HTTP 500";
  entries[4].reason = "not healthy within 4s";
  const auto lines = journal_excerpt(entries, "hello", 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "2026-11-23T18:00:00Z upgrade 2.0.0 -> 3.0.0: failed: HTTP 500");
  EXPECT_EQ(lines[1],
            "2026-11-23T18:00:00Z auto-rollback 3.0.0 -> 2.0.0: ok (not healthy within 4s)");
  EXPECT_EQ(journal_excerpt(entries, "hello").size(), 3u);
  EXPECT_TRUE(journal_excerpt(entries, "db").empty());
}

Evidence evidence() {
  Evidence e;
  e.host = "web-07";
  e.service = "hello";
  e.failing_version = "3.0.0";
  e.failing_commit = sha('3');
  e.rolled_back_to = "2.0.0";
  e.probe = "http GET http://127.0.0.1:8080/healthz expecting 200";
  e.last_error = "not healthy within 4s: HTTP 500";
  e.time = "2026-11-23T18:01:02Z";
  e.state_commit = sha('5');
  e.reverted_commit = sha('c');
  e.reverted_subject = "hello 3.0.0";
  e.journal = {"line one", "line two"};
  return e;
}

TEST(ProposalMessage, GitsRevertTitleThenTheEvidence) {
  const std::string message = proposal_message(evidence());
  EXPECT_EQ(message.substr(0, message.find('\n')), "Revert \"hello 3.0.0\"");
  EXPECT_NE(message.find("\n\nThis reverts commit " + sha('c') + ".\n"), std::string::npos);
  for (const std::string& line : std::vector<std::string>{
           "Host:            web-07\n",
           "Service:         hello\n",
           "Failing release: 3.0.0 (" + sha('3') + ")\n",
           "Rolled back to:  2.0.0\n",
           "Health probe:    http GET http://127.0.0.1:8080/healthz expecting 200\n",
           "Last error:      not healthy within 4s: HTTP 500\n",
           "Time (UTC):      2026-11-23T18:01:02Z\n",
           "State commit:    " + sha('5') + "\n",
           "Journal (last 2 lines for hello on web-07):\n  line one\n  line two\n"}) {
    EXPECT_NE(message.find(line), std::string::npos) << line << "\nin:\n" << message;
  }
}

TEST(ProposalMessage, TheProseIsWrappedAtSeventyTwoColumns) {
  const std::string message = proposal_message(evidence());
  const std::string prose = message.substr(message.find("Proposed by"));
  const std::string paragraph = prose.substr(0, prose.find("\n\n"));
  EXPECT_NE(paragraph.find('\n'), std::string::npos) << paragraph;
  for (size_t start = 0; start < paragraph.size();) {
    const size_t end = std::min(paragraph.find('\n', start), paragraph.size());
    EXPECT_LE(end - start, 72u) << paragraph;
    start = end + 1;
  }
  EXPECT_NE(message.find("tether on host web-07: hello 3.0.0 failed its health check"),
            std::string::npos)
      << message;
}

TEST(ProposalMessage, LeavesOutWhatIsNotKnown) {
  Evidence e = evidence();
  e.failing_commit.clear();  // a container service
  e.probe.clear();           // no health section: the process check failed it
  e.journal.clear();
  const std::string message = proposal_message(e);
  EXPECT_NE(message.find("Failing release: 3.0.0\n"), std::string::npos) << message;
  EXPECT_EQ(message.find("Health probe:"), std::string::npos) << message;
  EXPECT_EQ(message.find("Journal"), std::string::npos) << message;
}

TEST(ProposalMessage, TheSameEvidenceGivesTheSameMessage) {
  EXPECT_EQ(proposal_message(evidence()), proposal_message(evidence()));
  Evidence other = evidence();
  other.host = "web-08";
  EXPECT_NE(proposal_message(evidence()), proposal_message(other));
}

}  // namespace
}  // namespace tether::proposal::revert_proposal_test
