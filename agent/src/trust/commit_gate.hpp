#pragma once

#include "core/result.hpp"
#include "source/state_source.hpp"

#include <filesystem>
#include <string>

namespace tether {

struct CommitGateOptions {
  std::filesystem::path allowed_signers;  ///< empty: signatures are not required
  bool all_commits = false;               ///< verify every new commit, not only the tip
  bool allow_non_fast_forward = false;    ///< accept a tip that rewrote applied history
};

/// Decides whether the agent may follow a new tip of the state branch, before a single
/// manifest of it is read: the tip must descend from the last applied commit (a force push
/// could otherwise silently roll the fleet to anything), and, when allowed signers are
/// configured, carry a valid SSH signature of a listed key (optionally every commit since
/// the last applied one does). A refusal is an Error that says how to proceed.
class CommitGate {
 public:
  explicit CommitGate(CommitGateOptions options) : m_options(std::move(options)) {}

  /// `last_applied` is "" on a host that never applied a commit.
  [[nodiscard]] Status admit(StateSource& source,
                             const std::string& tip,
                             const std::string& last_applied) const;

 private:
  [[nodiscard]] Status check_history(StateSource& source,
                                     const std::string& tip,
                                     const std::string& last_applied,
                                     bool& fast_forward) const;
  [[nodiscard]] Status check_signatures(StateSource& source,
                                        const std::string& tip,
                                        const std::string& last_applied,
                                        bool fast_forward) const;

  CommitGateOptions m_options;
};

}  // namespace tether
