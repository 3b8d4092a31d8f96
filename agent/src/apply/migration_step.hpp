#pragma once

#include "apply/hook_runner.hpp"
#include "core/layout.hpp"
#include "model/desired.hpp"
#include "model/history.hpp"

#include <optional>
#include <string>

namespace tether {

/// Migrations (#23): after a switch of `desired` to `context.to` (healthy or not: a release
/// that failed its gate may have migrated the schema already), runs its
/// `spec.migrations.command` in that release dir and records what it printed
/// (live/migration_record.hpp). Returns the state; "" when the service declares no command or
/// the command failed or printed something unusable (logged as a warning: the switch stands,
/// nothing is recorded for that release).
[[nodiscard]] std::string record_migrations(const Layout& layout,
                                            const HookRunner& hooks,
                                            const DesiredService& desired,
                                            const HookContext& context);

/// What an auto-rollback from a release that printed `new_state` back to one recorded at
/// `previous_state` does about the migrations between them.
struct AutoRollbackMigrations {
  std::string crossing;  ///< "crosses migrations 0042..0045"; "" when it crosses none
  bool held = false;     ///< `onRollback: refuse` and not accepted: do not start the old one
};

/// Pure. `failed_dir` is the release that failed its gate (what `tether retry
/// --accept-migrations` accepts leaving).
[[nodiscard]] AutoRollbackMigrations auto_rollback_migrations(const MigrationsSpec& spec,
                                                              const ServiceHistory& history,
                                                              const std::string& failed_dir,
                                                              const std::string& new_state,
                                                              const std::string& previous_state);

}  // namespace tether
