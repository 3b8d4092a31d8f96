#pragma once

// The fleet at a glance: per service and release, how many hosts stand where. Pure: no I/O.

#include "fleet/host_view.hpp"
#include "fleet/wave_rows.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::fleet {

struct StateCounts {
  int converged = 0;
  int pending = 0;
  int failed = 0;
  int quarantined = 0;
  int undeclared = 0;
  int unknown = 0;
  int unhealthy = 0;  ///< runs the release, but its health probes keep failing
  bool operator==(const StateCounts&) const = default;

  void add(FleetState state);
  [[nodiscard]] int hosts() const;
  /// No host pending, failed, quarantined, unhealthy or without a state (undeclared is a
  /// steady state).
  [[nodiscard]] bool settled() const;
};

/// Hosts of one service grouped by release: the declared one, or for hosts that do not declare
/// the service (state undeclared) the one they run.
struct ServiceRow {
  std::string service;
  ReleaseView release;
  StateCounts counts;
  bool operator==(const ServiceRow&) const = default;
};

struct UnreachableHost {
  std::string target;
  std::string problem;
  bool operator==(const UnreachableHost&) const = default;
};

/// A host whose agent converges to another state commit than most of the fleet's agents.
struct BehindHost {
  std::string host;
  std::string target;
  std::string desired_commit;  ///< "" when it has none yet
  std::optional<LastPass> last_pass;
  bool operator==(const BehindHost&) const = default;
};

/// A host whose agent keeps its last good state commit instead of the branch tip: the tip was
/// refused (invalid manifests, a bad signature, rewritten history) or the repo is unreachable.
struct TipNotApplied {
  std::string host;
  std::string target;
  std::string outcome;         ///< "refused" or "unreachable", as its last pass ended
  std::string desired_commit;  ///< the commit it applied (converges to); "" when none yet
  std::string tip_commit;      ///< the tip it refused; "" when the repo was unreachable
  std::string problem;         ///< why, as the agent says it
  bool operator==(const TipNotApplied&) const = default;
};

struct FleetSummary {
  std::string service;  ///< the service the summary is limited to; "" for all
  int targets = 0;
  int answered = 0;
  std::vector<ServiceRow> rows;  ///< by service, then release (versions in version order)
  std::vector<UnreachableHost> unreachable;
  std::string majority_commit;  ///< the desiredCommit most answering hosts report
  int majority_hosts = 0;
  std::vector<BehindHost> behind;
  std::vector<TipNotApplied> tip_not_applied;  ///< answering hosts, in target order
  /// Answering hosts whose agent has not finished a pass yet (lastPass null): nothing they
  /// report says they converged.
  int without_pass = 0;
  std::vector<WaveRow> waves = {};  ///< services rolling out in waves: where each wave stands
  bool operator==(const FleetSummary&) const = default;

  /// Every target answered, every answering host finished a pass, applied its branch tip and
  /// none is behind,
  /// every row is settled, and (with a service) some host declares or runs it: what
  /// `tether fleet status` exits 0 for.
  [[nodiscard]] bool converged() const;
};

/// Summarizes `hosts`, limited to `service` when it is not empty. Hosts whose desiredCommit
/// differs from the most common non-empty one are behind (ties go to the lexically smaller
/// commit, so the result is deterministic).
[[nodiscard]] FleetSummary summarize(const std::vector<HostView>& hosts,
                                     std::string_view service = {});

}  // namespace tether::fleet
