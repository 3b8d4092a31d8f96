#pragma once

// One agent's GET /status document (manifests-schema/status.schema.json), as `tether fleet`
// reads it. Pure: no I/O.

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::fleet {

/// What a target answered to GET /status, as the HTTP adapter saw it.
struct Reply {
  std::string target;           ///< the base URL from the targets file
  std::string transport_error;  ///< why no HTTP answer came ("connection refused"); "" if one did
  long http_status = 0;
  std::string body;
  bool operator==(const Reply&) const = default;
};

/// A service's state as its agent reports it (`unknown`: the document has no state, or one
/// this version of tether does not know).
enum class FleetState { converged, pending, failed, quarantined, unhealthy, undeclared, unknown };

[[nodiscard]] const char* to_string(FleetState state);
[[nodiscard]] FleetState parse_fleet_state(std::string_view text);

/// A release as /status names it: version and commit of a binary release, or a container image.
struct ReleaseView {
  std::string version;
  std::string commit;
  std::string image;
  bool operator==(const ReleaseView&) const = default;
  auto operator<=>(const ReleaseView&) const = default;

  /// "1.4.2 (3f2a9c1d5e7b)", "web@sha256:3f2a9c1d5e7b" (the image's last path segment and 12
  /// hex of its digest), or "-" when empty.
  [[nodiscard]] std::string text() const;
};

struct ServiceView {
  std::string service;
  FleetState state = FleetState::unknown;
  std::optional<ReleaseView> desired;  ///< nullopt: not declared for this host
  std::optional<ReleaseView> current;  ///< nullopt: nothing live
  std::string last_error;
  std::string quarantine_reason;  ///< why the quarantined release failed, when one is recorded
  /// Rollouts in waves (`spec.rollout.steps`): this host's wave, 1-based; 0 without waves.
  int wave = 0;
  std::string waiting = {};  ///< "pause" or "halted" while its wave holds the release back
  bool operator==(const ServiceView&) const = default;

  /// What went wrong, for an operator: lastError, else the quarantine's reason; "" if nothing.
  [[nodiscard]] std::string problem() const;
};

struct LastPass {
  std::string time;     ///< RFC 3339 UTC
  std::string outcome;  ///< converged, failed, refused or unreachable
  std::string problem;
  bool operator==(const LastPass&) const = default;
};

/// One target of the fleet: what its agent said, or why it said nothing usable.
struct HostView {
  std::string target;  ///< base URL
  std::string host;    ///< the agent's host id; "" when the document has none
  /// Why the target counts as unreachable ("connection refused", "timeout after 5s", "HTTP 500",
  /// "invalid JSON", "not a tether status document: ..."); "" when it answered.
  std::string problem;
  std::string desired_commit;  ///< "" before the agent has one, or when not reported
  std::string tip_commit;      ///< the branch tip its last pass fetched; "" when not reported
  std::optional<LastPass> last_pass;
  std::vector<ServiceView> services;  ///< sorted by name
  bool operator==(const HostView&) const = default;

  [[nodiscard]] bool reachable() const { return problem.empty(); }
  /// Its agent's last pass refused the branch tip or could not reach the state repo: whatever
  /// its services run, the host does not run what the branch declares.
  [[nodiscard]] bool tip_not_applied() const;
  /// The host id, or the target's host:port when the agent did not say.
  [[nodiscard]] std::string name() const;
  /// The service called `name`, or nullptr.
  [[nodiscard]] const ServiceView* find(std::string_view name) const;
};

/// The state fleet counts a service in: the reported one, except that `converged` with a live
/// release other than the declared one is `pending`. An agent reports the state of its last
/// finished pass while it reads `current` from disk at once, so mid-switch the two disagree.
[[nodiscard]] FleetState effective_state(const ServiceView& service);

/// A state as an agent reports it, folded into fleet's columns: `blocked`, `suspended` and
/// `baking` are pending, `degraded` is failed; unknown text is unknown.
[[nodiscard]] FleetState folded_state(std::string_view text);

/// Reads a reply into a HostView. Never fails: anything but a 200 carrying a status document
/// makes the host unreachable, with `problem` saying why. Fields the document lacks stay empty.
[[nodiscard]] HostView host_view(const Reply& reply);

}  // namespace tether::fleet
