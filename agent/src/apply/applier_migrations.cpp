// Migrations (#23): an auto-rollback after a failed health gate, when the release that failed
// may already have migrated the schema the previous release expects. With `onRollback: warn`
// it goes ahead after a loud warning; with `refuse` the old release is not started: old code
// writing to a newer schema can damage data silently, while the new release, unhealthy as it
// is, at least matches the schema. An operator decides (docs/rollback.md).
#include "apply/applier.hpp"
#include "apply/applier_context.hpp"
#include "apply/migration_step.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

namespace tether {

Status Applier::hold_auto_rollback(const ServiceAction& action,
                                   const Error& failure,
                                   const DesiredService& previous,
                                   const std::string& migrated,
                                   Context& context) const {
  const std::optional<MigrationsSpec>& spec = context.declared.service.migrations;
  if (!spec || failure.stopping || context.live == nullptr) return ok_status();
  const std::string& name = action.service;
  const std::string failed_dir = action.to.dir_name();
  const InstalledRelease* before = context.live->find(previous.release.dir_name());
  const std::string previous_state = before == nullptr ? "" : before->migration_state;
  const AutoRollbackMigrations check =
      auto_rollback_migrations(*spec, context.history[name], failed_dir, migrated, previous_state);
  if (check.crossing.empty()) return ok_status();
  const std::string what = "auto-rollback to " + previous.release.short_text() + " " +
                           check.crossing + " (" + action.to.short_text() + " printed " + migrated +
                           ")";
  log_warn(check.held ? "auto-rollback held: it crosses migrations"
                      : "auto-rollback crosses migrations: the old release runs against a "
                        "schema migrated for the new one",
           {{"service", name},
            {"from", action.to.short_text()},
            {"to", previous.release.short_text()},
            {"migrations", check.crossing},
            {"stateCommit", context.state_commit}});
  if (!check.held) {
    context.follow_ups.push_back(JournalEntry{now_rfc3339(),
                                              context.state_commit,
                                              name,
                                              "migrations",
                                              journal_release(action.to),
                                              journal_release(previous.release),
                                              "ok",
                                              "",
                                              what + "; onRollback: warn, so it goes ahead"});
    return ok_status();
  }
  quarantine(action, previous.release.dir_name(), failure, context);
  const std::string reason = what + "; onRollback: refuse: " + action.to.short_text() +
                             " stays in current and " + previous.release.short_text() +
                             " is not started";
  context.follow_ups.push_back(JournalEntry{now_rfc3339(),
                                            context.state_commit,
                                            name,
                                            "auto-rollback",
                                            journal_release(action.to),
                                            journal_release(previous.release),
                                            "held",
                                            "",
                                            reason});
  return Error{failure.message + "; " + reason,
               "check the schema; to roll back anyway run `tether retry --accept-migrations " +
                   name + "` (or set acceptRollbackTo: \"" + previous_state +
                   "\"), or fix forward in the state repo"};
}

}  // namespace tether
