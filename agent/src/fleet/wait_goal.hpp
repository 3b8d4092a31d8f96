#pragma once

// The goal of `tether fleet wait`: a share of the hosts running a release, converged. Pure.

#include "fleet/host_view.hpp"

#include <string>
#include <vector>

namespace tether::fleet {

struct WaitGoal {
  std::string service;
  std::string version;
  std::string commit;  ///< a prefix of the source commit; "" for any
  int percent = 100;   ///< 1..100
  bool operator==(const WaitGoal&) const = default;

  /// `release` is the one waited for: same version, commit starting with `commit`.
  [[nodiscard]] bool matches(const ReleaseView& release) const;
  /// "hello 1.4.2" or "hello 1.4.2 (commit 3f2a9c)".
  [[nodiscard]] std::string text() const;
};

/// Where one counted host stands against the goal.
enum class Standing {
  done,              ///< runs the release, converged
  pending,           ///< its agent is getting there
  failed,            ///< the last attempt failed; the previous release serves
  quarantined,       ///< the declared release failed its health check and is not retried
  unhealthy,         ///< runs the release, but its health probes keep failing
  tip_refused,       ///< its agent refused the branch tip and keeps its last good state commit
  repo_unreachable,  ///< its agent cannot reach the state repo and keeps its last good commit
  other_release,     ///< converged on another release (its agent has not seen the commit yet)
  undeclared,        ///< runs the service but does not declare it (selector, rollout share)
  unknown,           ///< its agent reports no state (no pass finished yet)
  unreachable,       ///< did not answer with a status document
};

[[nodiscard]] const char* to_string(Standing standing);

struct HostStanding {
  std::string host;
  std::string target;
  Standing standing = Standing::unknown;
  std::string detail;  ///< what it runs, what it declares, its lastError or why it is unreachable
  bool operator==(const HostStanding&) const = default;
};

struct GoalProgress {
  int done = 0;
  int counted = 0;  ///< hosts that declare or run the service, plus every unreachable host
  int ignored = 0;  ///< answering hosts that neither declare nor run the service
  bool met = false;
  /// A host quarantined the release waited for: it will not get there without a change.
  bool quarantined = false;
  std::vector<HostStanding> hosts;  ///< the counted hosts: missing ones first, then by host
  bool operator==(const GoalProgress&) const = default;

  /// done as a whole percentage of counted, rounded down (0 when nothing is counted).
  [[nodiscard]] int percent_done() const;
};

/// How `tether fleet wait` ended.
enum class WaitOutcome {
  met,          ///< the goal was met
  timed_out,    ///< --timeout passed first
  quarantined,  ///< a host quarantined the release (with --fail-on-quarantine)
};

[[nodiscard]] const char* to_string(WaitOutcome outcome);

/// Checks `hosts` against `goal`. The hosts counted are those that declare the service
/// (desired != null) or run it (current != null), plus every unreachable host, which counts as
/// not there. The goal is met when at least goal.percent % of them are done and at least one
/// host is counted.
[[nodiscard]] GoalProgress check_goal(const std::vector<HostView>& hosts, const WaitGoal& goal);

}  // namespace tether::fleet
