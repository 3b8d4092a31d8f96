#pragma once

#include "agent/reconciler.hpp"
#include "core/layout.hpp"
#include "model/agent_config.hpp"
#include "proposal/proposer.hpp"

namespace tether {

/// The proposer of revert commits for this agent's repo, branch, host and proposeRevert settings.
[[nodiscard]] proposal::Proposer proposer_of(const Layout& layout, const AgentConfig& config);

/// Whether a pass read a state the proposer can act on: it converged or failed towards a
/// desired state (not refused, not unreachable).
[[nodiscard]] bool calls_for_proposals(const PassResult& result);

/// After a pass that calls for it: proposes the reverts of auto-rolled-back releases. It never
/// changes the pass's outcome.
void propose_reverts(proposal::Proposer& proposer, const PassResult& result);

}  // namespace tether
