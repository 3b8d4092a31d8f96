#include "agent/revert_proposals.hpp"

namespace tether {

proposal::Proposer proposer_of(const Layout& layout, const AgentConfig& config) {
  return proposal::Proposer(layout,
                            {config.propose_revert,
                             config.repo_url,
                             config.branch,
                             config.host_id,
                             config.host_labels,
                             config.repo_access});
}

bool calls_for_proposals(const PassResult& result) {
  const bool read_state =
      result.outcome == PassOutcome::converged || result.outcome == PassOutcome::failed;
  return result.desired && read_state;
}

void propose_reverts(proposal::Proposer& proposer, const PassResult& result) {
  if (calls_for_proposals(result)) (void)proposer.run(*result.desired);
}

}  // namespace tether
