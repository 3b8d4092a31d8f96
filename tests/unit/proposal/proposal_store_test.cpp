#include "proposal/proposal_store.hpp"

#include "manifest/documents.hpp"
#include "proposal/proposer.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::proposal::proposal_store_test {
namespace {

Quarantine quarantine() {
  return Quarantine{"3.0.0-abc", "3.0.0", "abc", "digest-1", "HTTP 500", "2026-11-23T18:00:00Z"};
}

ProposalRecord record(ProposalState state) {
  ProposalRecord r;
  r.quarantine_dir = "3.0.0-abc";
  r.spec_digest = "digest-1";
  r.state = state;
  r.branch = "tether/revert-0123456789ab";
  r.attempts = 1;
  return r;
}

TEST(ProposalStore, RoundTripsEveryField) {
  test::TempDir tmp;
  const ProposalStore store(tmp.path() / "state" / "revert-proposals.json");
  EXPECT_TRUE(store.load()->empty()) << "no file yet";
  ProposalRecord r = record(ProposalState::failed);
  r.revert_commit = std::string(40, 'd');
  r.error = "push of x failed: connection refused";
  r.attempts = 3;
  r.time = "2026-11-23T18:00:00Z";
  r.next_attempt_unix = 1'800'000'000;
  r.evidence.host = "web-01";
  r.evidence.service = "hello";
  r.evidence.journal = {"a", "b"};
  r.evidence.reverted_subject = "hello \"3.0.0\" ✓";
  ASSERT_TRUE(store.save({{"hello", r}, {"db", record(ProposalState::pushed)}}));
  const auto loaded = store.load();
  ASSERT_TRUE(loaded) << loaded.error().describe();
  EXPECT_EQ(loaded->at("hello"), r);
  EXPECT_EQ(loaded->at("db"), record(ProposalState::pushed));
}

TEST(ProposalStore, BrokenFileIsAnErrorWithAHint) {
  test::TempDir tmp;
  test::write_text(tmp.path() / "p.json", "{not json");
  const auto loaded = ProposalStore(tmp.path() / "p.json").load();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("p.json"), std::string::npos);
  EXPECT_FALSE(loaded.error().hint.empty());
}

TEST(ProposalState, NamesRoundTrip) {
  for (ProposalState s : {ProposalState::pushed,
                          ProposalState::already_proposed,
                          ProposalState::recorded,
                          ProposalState::failed,
                          ProposalState::unavailable}) {
    EXPECT_EQ(state_from_string(to_string(s)), s);
  }
  EXPECT_EQ(std::string(to_string(ProposalState::already_proposed)), "already-proposed");
  EXPECT_EQ(state_from_string("nope"), std::nullopt);
}

TEST(ProposalSummary, SaysWhatHappened) {
  EXPECT_EQ(summary(record(ProposalState::pushed)), "pushed branch tether/revert-0123456789ab");
  EXPECT_NE(summary(record(ProposalState::already_proposed)).find("another host"),
            std::string::npos);
  EXPECT_NE(summary(record(ProposalState::recorded)).find("push is false"), std::string::npos);
  ProposalRecord failed = record(ProposalState::failed);
  failed.error = "connection refused";
  failed.next_attempt_unix = 5;
  EXPECT_EQ(summary(failed),
            "proposal of branch tether/revert-0123456789ab failed (attempt 1, retried later): "
            "connection refused");
}

TEST(ProposalDue, NewQuarantinesAndFailedOnesWhoseTimeHasCome) {
  const Quarantine q = quarantine();
  EXPECT_TRUE(due(nullptr, q, 100)) << "never proposed";
  ProposalRecord settled = record(ProposalState::pushed);
  EXPECT_FALSE(due(&settled, q, 100)) << "pushed: done";
  settled.state = ProposalState::already_proposed;
  EXPECT_FALSE(due(&settled, q, 100));
  settled.spec_digest = "digest-2";
  EXPECT_TRUE(due(&settled, q, 100)) << "an older quarantine's proposal: this one is new";
  ProposalRecord failed = record(ProposalState::failed);
  failed.next_attempt_unix = 200;
  EXPECT_FALSE(due(&failed, q, 199)) << "backing off";
  EXPECT_TRUE(due(&failed, q, 200));
  failed.next_attempt_unix = 0;
  EXPECT_FALSE(due(&failed, q, 10'000)) << "out of attempts";
}

TEST(ProposalBackoff, DoublesFromThirtySecondsToAnHourThenStops) {
  EXPECT_EQ(next_attempt_after(1, 1000), 1030);
  EXPECT_EQ(next_attempt_after(2, 1000), 1060);
  EXPECT_EQ(next_attempt_after(3, 1000), 1120);
  EXPECT_EQ(next_attempt_after(7, 1000), 1000 + 1920);
  EXPECT_EQ(next_attempt_after(8, 1000), 0) << "eight attempts, then it stays failed";
}

TEST(ProposeRevertConfig, DefaultsAndEveryField) {
  Diagnostics diagnostics;
  const std::string base =
      "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"git://h/state.git\"}\n";
  const auto defaults = parse_agent_config("agent.yaml", base, diagnostics);
  ASSERT_TRUE(defaults) << diagnostics.describe();
  EXPECT_FALSE(defaults->propose_revert.enabled);
  EXPECT_EQ(defaults->propose_revert.branch_prefix, "tether/revert-");
  EXPECT_TRUE(defaults->propose_revert.push);

  const auto full = parse_agent_config(
      "agent.yaml",
      base +
          "proposeRevert: {enabled: true, branchPrefix: ops/undo-, push: false, "
          "sshKeyFile: /etc/tether/id_ed25519, tokenFile: /etc/tether/token, username: bot}\n",
      diagnostics);
  ASSERT_TRUE(full) << diagnostics.describe();
  EXPECT_EQ(full->propose_revert,
            (ProposeRevertConfig{
                true, "ops/undo-", false, "/etc/tether/id_ed25519", "/etc/tether/token", "bot"}));

  Diagnostics bad;
  EXPECT_FALSE(parse_agent_config(
      "agent.yaml", base + "proposeRevert: {enabled: true, tokenFile: token}\n", bad));
  EXPECT_NE(bad.describe().find("tokenFile"), std::string::npos) << bad.describe();
  Diagnostics unknown;
  EXPECT_FALSE(parse_agent_config("agent.yaml", base + "proposeRevert: {force: true}\n", unknown));
  EXPECT_NE(unknown.describe().find("force"), std::string::npos) << unknown.describe();
}

}  // namespace
}  // namespace tether::proposal::proposal_store_test
