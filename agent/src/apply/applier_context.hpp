#pragma once

#include "apply/applier.hpp"

#include <functional>

namespace tether {

/// What one action of Applier works with (private to the applier's files).
struct Applier::Context {
  const DesiredService& declared;  ///< the declaration at the state commit
  DesiredService desired;          ///< what the action starts: the declaration or the serving spec
  const LiveService* live;
  const std::string& state_commit;
  History& history;
  std::vector<JournalEntry> follow_ups;  ///< journaled after the action's own entry
};

/// What a switch that failed its gate goes back to, as Applier::fall_back needs it: the one
/// thing a switch strategy (a binary release, a container) says about its failure.
struct Applier::Fallback {
  /// The release dir that serves again ("" for a container): a reconfigure that failed with
  /// the release that still serves does not count that release as failed.
  std::string previous_dir;
  std::optional<ReleaseId> previous;  ///< the auto-rollback's `to` in the journal
  std::string previous_text;          ///< what serves again, for the log
  std::string previous_name;          ///< ... and for the error ("rolled back to <this>")
  std::string failed_name;            ///< what failed, for the error ("quarantined <this>")
  /// Goes back to `previous` (or says how it went when the strategy did it already).
  std::function<Status()> restore;
};

/// The error of an action on a container service when the agent has no container runtime.
[[nodiscard]] inline Error no_container_runtime(const std::string& service) {
  return Error{service + ": this agent was started without a container runtime",
               "run the agent with `tether run`"};
}

}  // namespace tether
