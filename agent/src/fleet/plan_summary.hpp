#pragma once

// `tether fleet plan`: many hosts' previews of one ref, summed up for a pull request comment
// ("2 hosts upgrade web 1.4.2 → 1.5.0; 1 host has drift that this PR would also repair; 1 host
// unreachable") with a per-host table below. Pure: no I/O.

#include "fleet/plan_view.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tether::fleet {

/// Hosts that would take the same step for a service: same action, same releases.
struct ChangeGroup {
  std::string action;
  std::string service;
  std::string from_version;  ///< "" when nothing is live
  std::string to_version;    ///< "" when not declared
  std::vector<std::string> hosts;
  bool operator==(const ChangeGroup&) const = default;
};

struct FleetPlan {
  std::string ref;
  std::vector<HostPlan> hosts;              ///< in targets order
  std::vector<ChangeGroup> changes;         ///< most hosts first, then by service and action
  std::vector<std::string> drift_repaired;  ///< hosts with drift the ref's plan repairs
  std::vector<std::string> drift_kept;      ///< hosts with drift the ref's plan leaves
  std::vector<std::string> refusing;        ///< hosts whose agent would refuse the tip
  std::vector<std::string> unreachable;     ///< targets that did not answer
  std::vector<std::string> errored;         ///< targets that answered without a preview
  bool operator==(const FleetPlan&) const = default;

  /// Every target answered with a preview.
  [[nodiscard]] bool complete() const { return unreachable.empty() && errored.empty(); }
};

[[nodiscard]] FleetPlan summarize_plan(const std::string& ref, std::vector<HostPlan> hosts);

/// The summary line: each change group, then drift, refusals, unreachable and errored hosts,
/// joined by "; " ("no host changes" when nothing would).
[[nodiscard]] std::string plan_headline(const FleetPlan& plan);

/// The headline, the trust warning, and one row per host and service that changes or drifted
/// (a host with nothing to do gets one "no change" row; a failed one its problem).
[[nodiscard]] std::string plan_text(const FleetPlan& plan);

/// The same as a pull request comment: a heading, the headline in bold, a markdown table.
[[nodiscard]] std::string plan_markdown(const FleetPlan& plan);

/// {"format": "tether.fleet-plan/v1", ref, headline, complete, targets, answered,
/// changes:[{action, service, from, to, count, hosts}], driftRepaired, driftKept, refusing,
/// unreachable:[{url, problem}], errored:[{url, problem}], hosts:[{url, host, ok, problem,
/// refName, commit, signature, admitted, services:[{service, action, reason, live, desired,
/// drift, driftReason, repairsDrift}]}]}.
[[nodiscard]] nlohmann::json plan_json(const FleetPlan& plan);

}  // namespace tether::fleet
