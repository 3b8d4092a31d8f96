#pragma once

#include "model/desired.hpp"
#include "model/history.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"

#include <optional>
#include <string>

namespace tether {

/// A switch to a release recorded with an older migration state than the one it leaves: the
/// old code would run against a schema migrated for the newer one.
struct MigrationCrossing {
  std::string from_state;  ///< recorded for the release in `current`
  std::string to_state;    ///< recorded for the release switched to
  std::string from_dir;    ///< the release dir in `current`, which the switch leaves
  bool operator==(const MigrationCrossing&) const = default;
};

/// The crossing `action` makes, or nullopt: only a switch of `current` between two releases
/// that both have a recorded state, to an older one, crosses (compare_migration_states).
[[nodiscard]] std::optional<MigrationCrossing> migration_crossing(const ServiceAction& action,
                                                                  const LiveService& live);

/// "crosses migrations 0042..0045".
[[nodiscard]] std::string describe_crossing(const MigrationCrossing& crossing);

/// Whether the crossing was accepted: on this host for the release it leaves (`tether retry
/// --accept-migrations`) or in Git (`acceptRollbackTo` names the state it goes back to).
[[nodiscard]] bool crossing_accepted(const MigrationsSpec& spec,
                                     const ServiceHistory& history,
                                     const MigrationCrossing& crossing);

/// For each action of a service with `spec.migrations` that crosses migrations: says so in its
/// reason and in `plan.notes`; with `onRollback: refuse` and no acceptance, moves it to
/// `plan.suspended` (held like a suspension, its source naming the rule and its reason how to
/// accept). Called by make_plan() before hold_suspended() and sequencing.
void hold_migration_rollbacks(Plan& plan,
                              const Desired& desired,
                              const Live& live,
                              const History& history);

/// The `source` of a migration hold in `plan.suspended`.
inline constexpr const char* k_migration_hold_source = "spec.migrations.onRollback: refuse";

}  // namespace tether
