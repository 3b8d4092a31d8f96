#include "manifest/migrations_reader.hpp"

#include "core/migration_state.hpp"

namespace tether {
namespace {

std::string on_rollback_check(const std::string& value) {
  return value == "warn" || value == "refuse" ? "" : "warn or refuse";
}

std::string state_check(const std::string& value) {
  auto state = migration_state_from_output(value);
  return state && *state == value ? "" : "a migration state like 0045 (A-Z a-z 0-9 . _ + -)";
}

}  // namespace

std::optional<MigrationsSpec> read_migrations(FieldReader& r,
                                              const YAML::Node& spec,
                                              const std::string& path) {
  const YAML::Node node = spec["migrations"];
  if (!node.IsDefined()) return std::nullopt;
  const std::string where = join_path(path, "migrations");
  if (!r.expect_map(node, where)) return std::nullopt;
  r.reject_unknown_keys(node, where, {"command", "onRollback", "timeout", "acceptRollbackTo"});
  if (spec["container"].IsDefined()) {
    r.error(node, where, "migrations are recorded for binary releases only, not containers");
    return std::nullopt;
  }
  MigrationsSpec migrations;
  auto command = r.string_list(node, where, "command", Need::required, true);
  auto on_rollback = r.string(node, where, "onRollback", Need::optional, on_rollback_check);
  auto accept = r.string(node, where, "acceptRollbackTo", Need::optional, state_check);
  std::optional<Millis> timeout = migrations.timeout;
  if (node["timeout"].IsDefined()) timeout = r.duration(node, where, "timeout", Need::optional);
  const bool ok = command && timeout && (on_rollback || !node["onRollback"].IsDefined()) &&
                  (accept || !node["acceptRollbackTo"].IsDefined());
  if (!ok) return std::nullopt;
  migrations.command = *command;
  migrations.timeout = *timeout;
  if (on_rollback == "refuse") migrations.on_rollback = OnMigrationRollback::refuse;
  migrations.accept_rollback_to = accept.value_or("");
  return migrations;
}

}  // namespace tether
