#pragma once

#include "core/result.hpp"
#include "model/agent_config.hpp"

#include <string>

namespace tether {

/// The webhook secret from api.webhookSecretFile ("" when none is configured). An unreadable
/// or empty file is an error that says how to make one: the API must not start without the
/// secret it was told to check.
[[nodiscard]] Result<std::string> load_webhook_secret(const AgentConfig& config);

}  // namespace tether
