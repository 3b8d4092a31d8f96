#include "trust/commit_gate.hpp"

namespace tether {

Status CommitGate::admit(StateSource& source,
                         const std::string& tip,
                         const std::string& last_applied) const {
  TipJudgement judgement = judge_tip(source, tip, last_applied, m_policy);
  if (judgement.refusal) return std::move(*judgement.refusal);
  return ok_status();
}

}  // namespace tether
