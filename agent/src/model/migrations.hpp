#pragma once

#include "core/duration.hpp"

#include <string>
#include <vector>

namespace tether {

/// What a rollback across a schema change does (`spec.migrations.onRollback`).
enum class OnMigrationRollback {
  warn,    ///< flagged in plan, status and the journal, and carried out
  refuse,  ///< held until accepted (`tether retry --accept-migrations`, `acceptRollbackTo`)
};

/// `spec.migrations`: how a service tells its database migration state, so a rollback to a
/// release recorded with an older state is not silent.
struct MigrationsSpec {
  /// argv (no shell), run in the release dir like a hook after each switch; prints one line.
  std::vector<std::string> command;
  OnMigrationRollback on_rollback = OnMigrationRollback::warn;
  Millis timeout{std::chrono::seconds(10)};
  /// `acceptRollbackTo`: a rollback to a release recorded with exactly this state is accepted
  /// (the Git way, reviewed in the pull request; "" = none).
  std::string accept_rollback_to;
  bool operator==(const MigrationsSpec&) const = default;
};

}  // namespace tether
