#pragma once

// What `tether fleet status|wait` print: text tables and JSON documents. Pure: no I/O.

#include "fleet/fleet_summary.hpp"
#include "fleet/wait_goal.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tether::fleet {

enum class HostTable { hide, show };

/// The service table, unreachable and behind hosts, the per-host table when asked for, and a
/// closing line saying whether the fleet converged.
[[nodiscard]] std::string status_text(const std::vector<HostView>& hosts,
                                      const FleetSummary& summary,
                                      HostTable host_table);

/// {"format": "tether.fleet-status/v1", service, converged, targets, answered, majorityCommit,
/// services: [...], unreachable: [...], behind: [...], hosts: [...]}; see k_fleet_status_footer.
[[nodiscard]] nlohmann::json status_json(const std::vector<HostView>& hosts,
                                         const FleetSummary& summary);

/// The service's rows, a line on the goal and the hosts still missing (and why).
[[nodiscard]] std::string wait_text(const WaitGoal& goal,
                                    const GoalProgress& progress,
                                    const FleetSummary& summary,
                                    WaitOutcome outcome);

/// {"format": "tether.fleet-wait/v1", goal, outcome, done, counted, ignored, percentDone,
/// hosts: [{host, url, standing, detail}]}.
[[nodiscard]] nlohmann::json wait_json(const WaitGoal& goal,
                                       const GoalProgress& progress,
                                       WaitOutcome outcome);

/// One line for progress reports while waiting: "hello 1.4.2: 3 of 4 hosts (75%), want 100%".
[[nodiscard]] std::string progress_line(const WaitGoal& goal, const GoalProgress& progress);

/// Left-aligned columns, two spaces apart, no trailing blanks; rows[0] is the header.
[[nodiscard]] std::string table(const std::vector<std::vector<std::string>>& rows);

}  // namespace tether::fleet
