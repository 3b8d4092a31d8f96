#include "plan/migration_plan.hpp"

#include "core/migration_state.hpp"

#include <algorithm>

namespace tether {
namespace {

std::string accept_hint(const std::string& service, const MigrationCrossing& crossing) {
  return "accept with `tether retry --accept-migrations " + service + "` or `acceptRollbackTo: \"" +
         crossing.to_state + "\"` in services/" + service + ".yaml";
}

}  // namespace

std::optional<MigrationCrossing> migration_crossing(const ServiceAction& action,
                                                    const LiveService& live) {
  if (!action.switch_current) return std::nullopt;
  const InstalledRelease* current = live.current();
  const InstalledRelease* target = live.find(action.to.dir_name());
  if (current == nullptr || target == nullptr || current == target) return std::nullopt;
  if (current->migration_state.empty() || target->migration_state.empty()) return std::nullopt;
  if (compare_migration_states(target->migration_state, current->migration_state) >= 0)
    return std::nullopt;
  return MigrationCrossing{current->migration_state, target->migration_state, current->dir_name};
}

std::string describe_crossing(const MigrationCrossing& crossing) {
  return describe_migration_crossing(crossing.to_state, crossing.from_state);
}

bool crossing_accepted(const MigrationsSpec& spec,
                       const ServiceHistory& history,
                       const MigrationCrossing& crossing) {
  if (!spec.accept_rollback_to.empty() && spec.accept_rollback_to == crossing.to_state) return true;
  return !history.migrations_accepted_from.empty() &&
         history.migrations_accepted_from == crossing.from_dir;
}

void hold_migration_rollbacks(Plan& plan,
                              const Desired& desired,
                              const Live& live,
                              const History& history) {
  static const ServiceHistory k_no_history{};
  bool held_any = false;
  std::vector<ServiceAction> kept;
  for (ServiceAction& action : plan.actions) {
    const auto declared = desired.services.find(action.service);
    const auto live_it = live.find(action.service);
    const std::optional<MigrationsSpec>* spec =
        declared == desired.services.end() ? nullptr : &declared->second.service.migrations;
    const auto crossing = spec == nullptr || !*spec || live_it == live.end()
                              ? std::nullopt
                              : migration_crossing(action, live_it->second);
    if (!crossing) {
      kept.push_back(std::move(action));
      continue;
    }
    const auto past = history.find(action.service);
    const ServiceHistory& service_history = past == history.end() ? k_no_history : past->second;
    const bool accepted = crossing_accepted(**spec, service_history, *crossing);
    action.reason += "; " + describe_crossing(*crossing) + (accepted ? " (accepted)" : "");
    if (accepted || (*spec)->on_rollback == OnMigrationRollback::warn) {
      plan.notes.push_back(action.service + ": " + action.reason +
                           (accepted ? ""
                                     : " (onRollback: warn): the old release runs "
                                       "against a schema migrated for a newer one"));
      kept.push_back(std::move(action));
      continue;
    }
    const std::string reason = action.to.short_text() + " " + describe_crossing(*crossing) + "; " +
                               accept_hint(action.service, *crossing);
    plan.suspended.push_back(
        {std::move(action), Suspension{reason, k_migration_hold_source, "", ""}});
    held_any = true;
  }
  plan.actions = std::move(kept);
  if (!held_any) return;
  std::stable_sort(plan.suspended.begin(),
                   plan.suspended.end(),
                   [](const SuspendedService& a, const SuspendedService& b) {
                     return a.action.service < b.action.service;
                   });
}

}  // namespace tether
