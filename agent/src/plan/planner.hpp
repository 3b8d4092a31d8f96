#pragma once

#include "model/condition.hpp"
#include "model/desired.hpp"
#include "model/history.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"
#include "model/suspension.hpp"

namespace tether {

/// Steps that turn `live` into `desired`. No I/O, clock or logging: the same inputs always give
/// the same plan, so `run --dry-run` and `run` agree and tests can table-drive it.
///
/// - target not current: switch to it (install first unless an intact copy is installed);
///   labelled install / upgrade / rollback / change by comparing versions with the current one
/// - target current but damaged: repair (rebuild the release dir, restart)
/// - target current and intact but its exec process is down or runs another release: restart
/// - releases beyond keepReleases that are neither current nor target: prune, oldest first
/// - target quarantined (failed health here, declaration unchanged): stay on the current
///   release and only keep it running; a changed declaration lifts the quarantine
/// - container services: see plan_container (recreate tether-<service> when its digest, config
///   hash, labels or state differ from the declaration); never pruned
/// - suspended services (`suspensions`, see suspensions_in_force): their actions, removals and
///   prunes move to `plan.suspended` (plan/suspension_plan.hpp)
/// - then sequence_plan(): dependency order, restarts and repairs held back by `conditions`
///   (flap damping) and actions blocked on a dependency that is not healthy
[[nodiscard]] Plan make_plan(const Desired& desired,
                             const Live& live,
                             const History& history = {},
                             const Conditions& conditions = {},
                             const Suspensions& suspensions = {});

}  // namespace tether
