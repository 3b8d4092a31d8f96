#pragma once

#include "core/result.hpp"
#include "model/agent_config.hpp"
#include "source/state_source.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace tether {

/// agent.yaml `verify:` and `repo.allowNonFastForward`: the rules a state tip is judged by.
struct TrustPolicy {
  std::filesystem::path allowed_signers;  ///< empty: signatures are not required
  bool all_commits = false;               ///< verify every new commit, not only the tip
  /// With all_commits, where checking starts when there is no applied commit to start from
  /// (a fresh host, or a rewritten branch): the commits after it are checked and it must be
  /// an ancestor of the tip. "": the tip's entire history is checked.
  std::string trust_anchor;
  bool allow_non_fast_forward = false;  ///< accept a tip that rewrote applied history
};

/// The policy agent.yaml sets (verify.allowedSigners, allCommits, trustAnchor and
/// repo.allowNonFastForward).
[[nodiscard]] TrustPolicy trust_policy_of(const AgentConfig& config);

enum class SignatureVerdict { not_required, valid, unsigned_commit, invalid };

/// What judge_tip() found. `refusal` is set when the agent would not follow the tip.
struct TipJudgement {
  SignatureVerdict signature = SignatureVerdict::not_required;
  /// Whether the tip descends from the applied commit; nullopt when none was applied or it
  /// cannot be read.
  std::optional<bool> descends_from_applied;
  std::optional<Error> refusal;
};

/// The one signature and history policy, used by the agent's commit gate, `plan --live` and
/// `GET /plan`, so that they cannot disagree about a tip. The tip must descend from
/// `last_applied` ("" when the host applied nothing) unless the policy allows rewrites. With
/// allowed signers, the tip must carry a valid signature of a listed key; with all_commits,
/// so must every commit from the applied one to the tip; where there is no applied commit to
/// start from, every commit after the trust anchor (which must be an ancestor of the tip), or,
/// without an anchor, every commit in the tip's history (at most 10,000).
[[nodiscard]] TipJudgement judge_tip(StateSource& source,
                                     const std::string& tip,
                                     const std::string& last_applied,
                                     const TrustPolicy& policy);

}  // namespace tether
