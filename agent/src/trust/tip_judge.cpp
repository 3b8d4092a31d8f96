#include "trust/tip_judge.hpp"

#include "trust/allowed_signers.hpp"
#include "trust/ssh_signature.hpp"

#include <vector>

namespace tether {
namespace {

/// A bound on the commits checked one by one with `allCommits`, so a huge merge or a long
/// history cannot stall the agent; beyond it the tip is refused and an operator decides.
constexpr size_t k_max_commits_checked = 10'000;

std::string short_id(const std::string& commit) { return commit.substr(0, 12); }

std::optional<Error> check_history(StateSource& source,
                                   const std::string& tip,
                                   const std::string& last_applied,
                                   const TrustPolicy& policy,
                                   TipJudgement& judgement) {
  if (last_applied.empty()) return std::nullopt;
  auto descends = source.descends_from(tip, last_applied);
  if (!descends) return descends.error();
  judgement.descends_from_applied = *descends;
  if (*descends || policy.allow_non_fast_forward) return std::nullopt;
  return Error{"branch tip " + short_id(tip) + " does not descend from " + short_id(last_applied) +
                   ", the last commit applied here: the branch was rewritten (force push)",
               "restore the branch (push " + short_id(last_applied) +
                   " back and undo with `git revert`), or set repo.allowNonFastForward: true "
                   "in agent.yaml to follow the rewritten branch"};
}

/// Where the commits to check start: the applied commit when the tip descends from it, else
/// the trust anchor (which must be an ancestor of the tip), else nothing (all history).
Result<std::string> check_base(StateSource& source,
                               const std::string& tip,
                               const std::string& last_applied,
                               const TrustPolicy& policy,
                               bool fast_forward) {
  if (!last_applied.empty() && fast_forward) return last_applied;
  if (policy.trust_anchor.empty()) return std::string();
  auto descends = source.descends_from(tip, policy.trust_anchor);
  if (!descends) {
    return Error{"verify.trustAnchor " + short_id(policy.trust_anchor) +
                     " cannot be read: " + descends.error().message,
                 "set verify.trustAnchor to a commit of the state branch"};
  }
  if (!*descends) {
    return Error{"tip " + short_id(tip) + " does not descend from verify.trustAnchor " +
                     short_id(policy.trust_anchor),
                 "the branch no longer contains the anchor: review the new history and set "
                 "verify.trustAnchor to a commit of it"};
  }
  return policy.trust_anchor;
}

Result<std::vector<std::string>> commits_to_check(StateSource& source,
                                                  const std::string& tip,
                                                  const std::string& last_applied,
                                                  const TrustPolicy& policy,
                                                  bool fast_forward) {
  if (!policy.all_commits) return std::vector<std::string>{tip};
  auto base = check_base(source, tip, last_applied, policy, fast_forward);
  if (!base) return base.error();
  auto since = source.commits_since(*base, tip, k_max_commits_checked + 1);
  if (!since) return since.error();
  if (since->size() > k_max_commits_checked) {
    return Error{
        "more than " + std::to_string(k_max_commits_checked) + " commits to check " +
            (base->empty() ? "in the history of " + short_id(tip) : "since " + short_id(*base)),
        base->empty() ? "set verify.trustAnchor to a reviewed commit of the branch"
                      : "apply an intermediate commit first, or turn verify.allCommits "
                        "off"};
  }
  return std::move(*since);
}

void judge_signature(StateSource& source,
                     const std::string& commit,
                     const TrustPolicy& policy,
                     const AllowedSigners& signers,
                     TipJudgement& judgement) {
  auto signed_commit = source.signed_commit(commit);
  if (!signed_commit) {
    judgement.signature = SignatureVerdict::invalid;
    judgement.refusal = signed_commit.error();
    return;
  }
  const std::string listed = policy.allowed_signers.string();
  if (signed_commit->signature.empty()) {
    judgement.signature = SignatureVerdict::unsigned_commit;
    judgement.refusal =
        Error{"commit " + short_id(commit) + " is not signed",
              "sign state commits with an SSH key listed in " + listed +
                  " (git config gpg.format ssh; git commit -S), or revert to a signed one"};
    return;
  }
  const auto at =
      std::chrono::system_clock::time_point(std::chrono::seconds(signed_commit->commit_time));
  auto check =
      verify_ssh_signature(signed_commit->signature, signed_commit->signed_data, signers, at);
  if (!check) {
    judgement.signature = SignatureVerdict::invalid;
    judgement.refusal = Error{"commit " + short_id(commit) + ": " + check.error().describe(),
                              "only commits signed by a key in " + listed + " are applied"};
  }
}

void judge_signatures(StateSource& source,
                      const std::string& tip,
                      const std::string& last_applied,
                      const TrustPolicy& policy,
                      TipJudgement& judgement) {
  if (policy.allowed_signers.empty()) return;
  judgement.signature = SignatureVerdict::invalid;
  auto signers = load_allowed_signers(policy.allowed_signers);
  if (!signers) {
    judgement.refusal =
        Error{"cannot check commit signatures: " + signers.error().describe(),
              "fix verify.allowedSigners in agent.yaml; until then no new commit is applied"};
    return;
  }
  const bool fast_forward = judgement.descends_from_applied.value_or(true);
  auto commits = commits_to_check(source, tip, last_applied, policy, fast_forward);
  if (!commits) {
    judgement.refusal = commits.error();
    return;
  }
  judgement.signature = SignatureVerdict::valid;
  for (const std::string& commit : *commits) {
    judge_signature(source, commit, policy, *signers, judgement);
    if (judgement.refusal) return;
  }
}

}  // namespace

TrustPolicy trust_policy_of(const AgentConfig& config) {
  return TrustPolicy{config.allowed_signers,
                     config.verify_all_commits,
                     config.trust_anchor,
                     config.allow_non_fast_forward};
}

TipJudgement judge_tip(StateSource& source,
                       const std::string& tip,
                       const std::string& last_applied,
                       const TrustPolicy& policy) {
  TipJudgement judgement;
  std::optional<Error> history_refusal =
      check_history(source, tip, last_applied, policy, judgement);
  if (history_refusal && !judgement.descends_from_applied) {  // history could not be read
    judgement.refusal = std::move(history_refusal);
    return judgement;
  }
  judge_signatures(source, tip, last_applied, policy, judgement);
  // A rewrite is refused whatever the signatures say; they are still reported (previews).
  if (history_refusal) judgement.refusal = std::move(history_refusal);
  return judgement;
}

}  // namespace tether
