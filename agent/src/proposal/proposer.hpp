#pragma once

#include "core/layout.hpp"
#include "model/agent_config.hpp"
#include "model/desired.hpp"
#include "model/history.hpp"
#include "proposal/proposal_store.hpp"

#include <chrono>
#include <string>

namespace tether::review {
class RevertRepo;
}

namespace tether::proposal {

struct ProposerOptions {
  ProposeRevertConfig config;
  std::string repo_url;
  std::string branch;     ///< the tracked branch the revert goes on top of
  std::string host;       ///< this host's id, in the message and the commit's author
  StringMap labels = {};  ///< the agent's own labels: history is resolved for this host
  /// repo.*: proposeRevert's sshKeyFile/tokenFile/username override it
  RepoAccess repo_access = {};
};

/// After a pass: for each service quarantined at the state commit being applied, proposes
/// the revert of the commit that made this host's failing fingerprint of it (whichever of the
/// service file, its config files or the host file changed it; revert_proposal.hpp) in a
/// scratch repo under state/ that borrows the agent's mirror objects, pushes it (unless
/// proposeRevert.push is false) and records the outcome in state/revert-proposals.json, the
/// journal and the log. Never fails the pass: a failed attempt is retried on later passes,
/// spaced out (30 s doubling up to 1 h, at most 8 attempts); a settled one is not redone.
class Proposer {
 public:
  Proposer(Layout layout, ProposerOptions options);

  /// What one call did, for the caller's accounting and tests.
  struct Done {
    int attempted = 0;
    int settled = 0;
  };
  Done run(const Desired& desired);

 private:
  [[nodiscard]] ProposalRecord propose(const DesiredService& service,
                                       const Quarantine& quarantine,
                                       const std::string& state_commit) const;
  /// Fills the reverted commit and the branch in `record`; false (with `record` settled as
  /// unavailable, or failed) when there is none.
  bool find_reverted(review::RevertRepo& repo,
                     const DesiredService& desired,
                     ProposalRecord& record) const;
  /// Lists the remote, makes the revert on the tracked branch's tip, pushes it.
  [[nodiscard]] ProposalRecord publish(review::RevertRepo& repo, ProposalRecord record) const;
  void record(const ProposalRecord& record, const Quarantine& quarantine) const;

  Layout m_layout;
  ProposerOptions m_options;
};

/// Whether `previous` (nullptr: none) leaves `quarantine` to be proposed at `now_unix`.
[[nodiscard]] bool due(const ProposalRecord* previous,
                       const Quarantine& quarantine,
                       long long now_unix);

/// When the attempt after `attempts` failed ones may run, or 0 when there is none.
[[nodiscard]] long long next_attempt_after(int attempts, long long now_unix);

}  // namespace tether::proposal
