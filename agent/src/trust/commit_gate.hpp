#pragma once

#include "core/result.hpp"
#include "source/state_source.hpp"
#include "trust/tip_judge.hpp"

#include <string>

namespace tether {

/// Decides whether the agent may follow a new tip of the state branch, before a single
/// manifest of it is read, by the one policy (judge_tip) that previews use too. A refusal is
/// an Error that says how to proceed.
class CommitGate {
 public:
  explicit CommitGate(TrustPolicy policy) : m_policy(std::move(policy)) {}

  /// `last_applied` is "" on a host that never applied a commit.
  [[nodiscard]] Status admit(StateSource& source,
                             const std::string& tip,
                             const std::string& last_applied) const;

  [[nodiscard]] const TrustPolicy& policy() const { return m_policy; }

 private:
  TrustPolicy m_policy;
};

}  // namespace tether
