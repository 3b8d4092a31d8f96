#pragma once

#include "core/duration.hpp"
#include "model/release_id.hpp"
#include "model/suspension.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tether {

enum class ActionKind {
  install,      ///< nothing live yet
  upgrade,      ///< to a newer version
  rollback,     ///< to an older version
  change,       ///< same version, other commit, binary or config
  repair,       ///< the live release was damaged; rebuild it in place
  restart,      ///< release is right, process is not running (or runs another release)
  reconfigure,  ///< same release, other settings (run, health, container spec): restart with them
  remove,       ///< no longer declared for this host: stop it and remove `current`
};

/// Which spec an action starts the service with.
enum class SpecSource {
  declared,  ///< the declaration at the state commit
  serving,   ///< the serving record's: the declared one is quarantined
};

[[nodiscard]] const char* to_string(ActionKind kind);

/// What to do for one service. `install` is true when the target release must be downloaded
/// and built; otherwise an installed, intact release dir is reused.
struct ServiceAction {
  std::string service;
  ActionKind kind = ActionKind::install;
  std::optional<ReleaseId> from;
  ReleaseId to;
  bool install = false;
  bool switch_current = false;
  SpecSource spec = SpecSource::declared;
  /// The fingerprint of the spec the action starts the service with ("" for a removal).
  std::string fingerprint;
  std::string reason;
  /// Dependencies with an action earlier in the same plan: this one runs only if they all
  /// succeeded in this pass.
  std::vector<std::string> after;
  bool operator==(const ServiceAction&) const = default;
};

/// A restart or drift repair held back because the service keeps needing them (flap damping).
struct DelayedAction {
  ServiceAction action;
  Millis wait{0};    ///< how long until it may run
  int attempts = 0;  ///< restarts and repairs in a row so far
  bool operator==(const DelayedAction&) const = default;
};

/// A service whose action waits because a dependency is not healthy yet.
struct BlockedService {
  ServiceAction action;    ///< what it will do once the dependency is healthy
  std::string dependency;  ///< the first dependency it waits for
  std::string reason;      ///< "waiting for a: ...", naming the dependency and why
  bool operator==(const BlockedService&) const = default;
};

/// A service whose action waits because the service is suspended (tether suspend, spec.suspend).
struct SuspendedService {
  ServiceAction action;   ///< what it would do once resumed
  Suspension suspension;  ///< the hold, and who set it
  bool operator==(const SuspendedService&) const = default;
};

/// Release dirs no longer needed (beyond keepReleases, never current or target).
struct PruneAction {
  std::string service;
  std::vector<std::string> dir_names;
  bool operator==(const PruneAction&) const = default;
};

struct Plan {
  std::string state_commit;
  /// In dependency order: a service after the services it depends on, ties by name.
  std::vector<ServiceAction> actions;
  std::vector<PruneAction> prunes;
  std::vector<std::string> notes;  ///< things an operator should know that need no action
  /// Services held on their current release because the declared one is quarantined.
  std::vector<std::string> quarantined;
  /// Services whose quarantine no longer applies (their declaration changed).
  std::vector<std::string> lifted_quarantines;
  std::vector<DelayedAction> delayed;   ///< restarts and repairs backed off (not in `actions`)
  std::vector<BlockedService> blocked;  ///< actions waiting for a dependency (not in `actions`)
  /// Services that run here but are no longer declared for this host (ActionKind::remove), by
  /// name: carried out after `actions`.
  std::vector<ServiceAction> removals;
  /// Actions (removals included) of suspended services: not carried out, only reported.
  std::vector<SuspendedService> suspended = {};
  bool operator==(const Plan&) const = default;

  [[nodiscard]] bool empty() const {
    return actions.empty() && prunes.empty() && lifted_quarantines.empty() && removals.empty();
  }
};

}  // namespace tether
