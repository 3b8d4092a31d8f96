#pragma once

#include <map>
#include <optional>
#include <string>

namespace tether {

/// A hold on a service: the agent changes nothing of it (no install, switch, restart, repair,
/// removal or prune) until it is lifted, and says so. Its health is still watched and reported.
/// Set in Git (`spec.suspend` of a Service or a Host, reviewed like any change) or on the host
/// (`tether suspend`, for an operator in an incident who cannot wait for a commit).
struct Suspension {
  std::string reason;  ///< why, as the operator wrote it (required)
  std::string source;  ///< where it was set: "tether suspend" or the state repo file
  std::string since;   ///< RFC 3339 (local holds; "" for Git, which has its commit)
  std::string until;   ///< RFC 3339 (local `--for`); "" = until resumed
  bool operator==(const Suspension&) const = default;
};

/// The holds of one host: every service at once, and service by service.
struct HostSuspensions {
  std::optional<Suspension> all;
  std::map<std::string, Suspension> services;
  bool operator==(const HostSuspensions&) const = default;

  [[nodiscard]] bool empty() const { return !all && services.empty(); }
};

/// The hold in force for each suspended service, by name.
using Suspensions = std::map<std::string, Suspension>;

}  // namespace tether
