#pragma once

#include "report/agent_status.hpp"
#include "report/host_report.hpp"

#include <nlohmann/json.hpp>

namespace tether {

/// The document of GET /status (schema: manifests-schema/status.schema.json): the host
/// report read from disk, plus what the running agent knows when there is one (`agent` may be
/// null before its first pass): host, labels, declared releases, per-service state and errors.
/// Services declared but not installed yet are listed too, with `current: null`.
[[nodiscard]] nlohmann::json status_json(const HostReport& report, const AgentStatus* agent);

}  // namespace tether
