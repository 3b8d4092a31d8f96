#include "apply/migration_step.hpp"

#include "core/log.hpp"
#include "core/migration_state.hpp"
#include "live/migration_record.hpp"

namespace tether {

std::string record_migrations(const Layout& layout,
                              const HookRunner& hooks,
                              const DesiredService& desired,
                              const HookContext& context) {
  const std::optional<MigrationsSpec>& spec = desired.service.migrations;
  if (!spec || spec->command.empty()) return "";
  const std::string dir = context.to.dir_name();
  auto output = hooks.output_of("migrations command", spec->command, spec->timeout, context);
  Result<std::string> state =
      output ? migration_state_from_output(*output) : Result<std::string>(output.error());
  if (!state) {
    log_warn("migration state not recorded",
             {{"service", context.service}, {"release", dir}, {"error", state.error().describe()}});
    return "";
  }
  if (Status saved = record_migration_state(layout, context.service, dir, *state); !saved) {
    log_warn("migration state not recorded",
             {{"service", context.service}, {"release", dir}, {"error", saved.error().describe()}});
  } else {
    log_info("migration state recorded",
             {{"service", context.service}, {"release", dir}, {"migrations", *state}});
  }
  return *state;
}

AutoRollbackMigrations auto_rollback_migrations(const MigrationsSpec& spec,
                                                const ServiceHistory& history,
                                                const std::string& failed_dir,
                                                const std::string& new_state,
                                                const std::string& previous_state) {
  if (new_state.empty() || previous_state.empty() ||
      compare_migration_states(previous_state, new_state) >= 0)
    return {};
  const bool accepted =
      spec.accept_rollback_to == previous_state ||
      (!history.migrations_accepted_from.empty() && history.migrations_accepted_from == failed_dir);
  return {describe_migration_crossing(previous_state, new_state),
          spec.on_rollback == OnMigrationRollback::refuse && !accepted};
}

}  // namespace tether
