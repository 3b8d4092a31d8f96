#include "plan/planner.hpp"

#include "plan/container_plan.hpp"
#include "plan/migration_plan.hpp"
#include "plan/prune_plan.hpp"
#include "plan/release_plan.hpp"
#include "plan/sequencing.hpp"
#include "plan/suspension_plan.hpp"

namespace tether {
namespace {

std::string unhealthy_of(const Conditions& conditions, const std::string& name) {
  const auto it = conditions.find(name);
  return it == conditions.end() ? "" : it->second.unhealthy;
}

/// The target failed its health gate here and nothing about the service changed since: stay
/// on what serves (restarting it if it died or is unhealthy) instead of retrying in a loop.
std::optional<ServiceAction> plan_quarantined(const DesiredService& desired,
                                              const LiveService& live,
                                              const Quarantine& quarantine,
                                              const std::string& unhealthy,
                                              std::vector<std::string>& notes) {
  std::string serving = "nothing";
  if (live.serving) {
    serving = live.serving->release.short_text();
  } else if (const InstalledRelease* current = live.current()) {
    serving = current->id.short_text();
  }
  notes.push_back(
      desired.service.name + ": " + quarantine.version + " (" + quarantine.commit.substr(0, 12) +
      ") failed health at " + quarantine.time + " (" + quarantine.reason + "); serving " + serving +
      "; fix or revert in the state repo, or run `tether retry " + desired.service.name + "`");
  if (desired.service.container() != nullptr)
    return plan_container_serving(desired, live, unhealthy);
  return plan_keep_serving(desired, live, unhealthy);
}

/// Something of `live` runs or is switched to: a removed service has something to stop.
bool has_something_live(const LiveService& live) {
  return live.current_dir.has_value() || live.process == ProcessState::running ||
         live.container.has_value();
}

ServiceAction removal_of(const LiveService& live) {
  ServiceAction action;
  action.service = live.name;
  action.kind = ActionKind::remove;
  if (const InstalledRelease* current = live.current()) action.from = current->id;
  if (live.serving) action.from = live.serving->release;
  action.reason = "no longer declared for this host: stop it and remove current";
  return action;
}

}  // namespace

const char* to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::install:
      return "install";
    case ActionKind::upgrade:
      return "upgrade";
    case ActionKind::rollback:
      return "rollback";
    case ActionKind::change:
      return "change";
    case ActionKind::repair:
      return "repair";
    case ActionKind::restart:
      return "restart";
    case ActionKind::reconfigure:
      return "reconfigure";
    case ActionKind::remove:
      return "remove";
  }
  return "unknown";
}

Plan make_plan(const Desired& desired,
               const Live& live,
               const History& history,
               const Conditions& conditions,
               const Suspensions& suspensions) {
  Plan plan;
  plan.state_commit = desired.state_commit;
  static const LiveService k_nothing_live{};
  static const ServiceHistory k_no_history{};
  for (const auto& [name, service] : desired.services) {
    const auto it = live.find(name);
    const LiveService& live_service = it == live.end() ? k_nothing_live : it->second;
    const auto past_it = history.find(name);
    const ServiceHistory& past = past_it == history.end() ? k_no_history : past_it->second;
    const std::string unhealthy = unhealthy_of(conditions, name);
    const std::optional<Quarantine>& quarantine = past.quarantine;
    if (quarantine && quarantine->dir_name == service.release.dir_name() &&
        quarantine->spec_digest == service.spec_digest) {
      plan.quarantined.push_back(name);
      if (auto action =
              plan_quarantined(service, live_service, *quarantine, unhealthy, plan.notes)) {
        plan.actions.push_back(*action);
      }
      continue;
    }
    if (quarantine) plan.lifted_quarantines.push_back(name);
    if (service.service.container() != nullptr) {
      if (auto action = plan_container(service, live_service, past, unhealthy))
        plan.actions.push_back(*action);
      continue;
    }
    if (auto action = plan_release(service, live_service, unhealthy))
      plan.actions.push_back(*action);
    if (auto prune = plan_prune(service, live_service, past)) plan.prunes.push_back(*prune);
  }
  for (const auto& [name, live_service] : live) {
    if (desired.services.count(name) != 0 || !has_something_live(live_service)) continue;
    if (desired.held_back.count(name) != 0) {
      plan.notes.push_back(name + (desired.waves.count(name) != 0
                                       ? ": its wave is not due (or the rollout halted) on this "
                                         "host; keeps what it runs"
                                       : ": outside its rollout share on this host; keeps what "
                                         "it runs"));
      continue;
    }
    plan.removals.push_back(removal_of(live_service));
  }
  hold_migration_rollbacks(plan, desired, live, history);  // Migrations (#23)
  hold_suspended(plan, suspensions);
  sequence_plan(plan, desired, live, conditions);
  return plan;
}

}  // namespace tether
