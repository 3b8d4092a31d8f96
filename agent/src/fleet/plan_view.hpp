#pragma once

// One agent's answer to GET /plan?ref=REF (manifests-schema/plan-preview.schema.json), as
// `tether fleet plan` reads it. Pure: no I/O.

#include "fleet/host_view.hpp"

#include <string>
#include <vector>

namespace tether::fleet {

/// One service of a host's preview.
struct ServicePlan {
  std::string service;
  std::string action;  ///< none, install, upgrade, rollback, change, repair, restart, held
  std::string reason;
  std::string live;             ///< "1.4.2 (3f2a9c1d5e7b)" or "-"
  std::string desired;          ///< likewise
  std::string live_version;     ///< "" when nothing is live
  std::string desired_version;  ///< "" when not declared at the ref
  bool drift = false;
  std::string drift_reason;
  bool repairs_drift = false;
  bool operator==(const ServicePlan&) const = default;

  [[nodiscard]] bool changes() const { return action != "none" && action != "held"; }
};

/// One target's preview, or why there is none.
struct HostPlan {
  std::string target;
  std::string host;  ///< the agent's host id; "" when it did not answer with a preview
  /// No answer from the agent ("connection refused", "timeout after 60s", "invalid JSON").
  std::string unreachable;
  /// The agent answered but made no preview ("HTTP 404: ref pr-9 not found at git://...").
  std::string error;
  std::string ref_name;
  std::string commit;
  std::string signature;  ///< not-required, valid, unsigned or invalid
  bool admitted = true;   ///< the agent would follow the tip as it is
  std::string trust_detail;
  std::vector<ServicePlan> services;
  bool operator==(const HostPlan&) const = default;

  [[nodiscard]] bool ok() const { return unreachable.empty() && error.empty(); }
  /// The host id, or the target's host:port when there is none.
  [[nodiscard]] std::string name() const;
  [[nodiscard]] bool drifted() const;
};

/// Reads a reply to GET /plan into a HostPlan. Never fails: a transport error or a body that
/// is not a preview makes the host unreachable; an agent's error document (4xx/5xx with
/// {"error", "hint"}) makes it errored, with the message.
[[nodiscard]] HostPlan host_plan(const Reply& reply);

}  // namespace tether::fleet
