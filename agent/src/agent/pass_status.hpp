#pragma once

#include "agent/reconciler.hpp"
#include "report/agent_status.hpp"

#include <string>

namespace tether {

/// The agent status a finished pass leaves behind. `host` and `labels` are the agent's own
/// when the pass had no desired state to say which labels won.
[[nodiscard]] AgentStatus status_of(const PassResult& pass,
                                    const HostIdentity& host,
                                    std::string finished_at);

}  // namespace tether
