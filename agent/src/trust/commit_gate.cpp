#include "trust/commit_gate.hpp"

#include "trust/ssh_signature.hpp"

namespace tether {
namespace {

/// A bound on the commits checked one by one with `allCommits`, so a huge merge cannot stall
/// the agent; beyond it the tip is refused and an operator decides.
constexpr size_t k_max_commits_checked = 10'000;

std::string short_id(const std::string& commit) { return commit.substr(0, 12); }

}  // namespace

Status CommitGate::check_history(StateSource& source,
                                 const std::string& tip,
                                 const std::string& last_applied,
                                 bool& fast_forward) const {
  fast_forward = true;
  if (last_applied.empty()) return ok_status();
  auto descends = source.descends_from(tip, last_applied);
  if (!descends) return descends.error();
  fast_forward = *descends;
  if (fast_forward || m_options.allow_non_fast_forward) return ok_status();
  return Error{"branch tip " + short_id(tip) + " does not descend from " + short_id(last_applied) +
                   ", the last commit applied here: the branch was rewritten (force push)",
               "restore the branch (push " + short_id(last_applied) +
                   " back and undo with `git revert`), or set repo.allowNonFastForward: true "
                   "in agent.yaml to follow the rewritten branch"};
}

Status CommitGate::check_signatures(StateSource& source,
                                    const std::string& tip,
                                    const std::string& last_applied,
                                    bool fast_forward) const {
  if (m_options.allowed_signers.empty()) return ok_status();
  auto signers = load_allowed_signers(m_options.allowed_signers);
  if (!signers) {
    return Error{"cannot check commit signatures: " + signers.error().describe(),
                 "fix verify.allowedSigners in agent.yaml; until then no new commit is applied"};
  }
  std::vector<std::string> commits{tip};
  // Older commits are only "new" when history runs straight from the last applied commit.
  if (m_options.all_commits && fast_forward && !last_applied.empty()) {
    auto since = source.commits_since(last_applied, tip, k_max_commits_checked + 1);
    if (!since) return since.error();
    if (since->size() > k_max_commits_checked) {
      return Error{"more than " + std::to_string(k_max_commits_checked) + " new commits since " +
                       short_id(last_applied) + "; not checking them one by one",
                   "apply an intermediate commit first, or turn verify.allCommits off"};
    }
    commits = std::move(*since);
  }
  for (const std::string& commit : commits) {
    auto signed_commit = source.signed_commit(commit);
    if (!signed_commit) return signed_commit.error();
    if (signed_commit->signature.empty()) {
      return Error{"commit " + short_id(commit) + " is not signed",
                   "sign state commits with an SSH key listed in " +
                       m_options.allowed_signers.string() +
                       " (git config gpg.format ssh; git commit -S), or revert to a signed one"};
    }
    const auto at =
        std::chrono::system_clock::time_point(std::chrono::seconds(signed_commit->commit_time));
    auto check =
        verify_ssh_signature(signed_commit->signature, signed_commit->signed_data, *signers, at);
    if (!check) {
      return Error{
          "commit " + short_id(commit) + ": " + check.error().describe(),
          "only commits signed by a key in " + m_options.allowed_signers.string() + " are applied"};
    }
  }
  return ok_status();
}

Status CommitGate::admit(StateSource& source,
                         const std::string& tip,
                         const std::string& last_applied) const {
  bool fast_forward = true;
  if (Status history = check_history(source, tip, last_applied, fast_forward); !history) {
    return history;
  }
  return check_signatures(source, tip, last_applied, fast_forward);
}

}  // namespace tether
