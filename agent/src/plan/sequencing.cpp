#include "plan/sequencing.hpp"

#include <algorithm>
#include <set>

namespace tether {
namespace {

/// Restarts and repairs back off whenever the service keeps needing them; any other action
/// only when it retries the very change that failed (a new declaration is tried at once).
bool held(const ServiceAction& action, const ServiceCondition& condition) {
  if (condition.hold <= Millis(0)) return false;
  if (action.kind == ActionKind::restart || action.kind == ActionKind::repair) return true;
  return !condition.failed_fingerprint.empty() &&
         condition.failed_fingerprint == action.fingerprint;
}

/// Why a quarantined service serves nothing healthy ("" when what passed its gate serves).
std::string quarantine_degraded(const DesiredService& desired, const LiveService& live) {
  if (!live.serving) return "nothing that passed its health gate here serves it";
  if (live.fingerprint != live.serving->fingerprint) return "what runs never passed its gate";
  if (desired.service.container() != nullptr) {
    return live.container && live.container->running ? "" : "no container serves it";
  }
  const InstalledRelease* current = live.current();
  if (current == nullptr || current->dir_name != live.serving->release.dir_name())
    return "current does not point at its serving release";
  if (!current->intact) return "its serving release " + current->dir_name + " is damaged";
  const auto& run = live.serving->spec.run;
  if (run && std::holds_alternative<ExecRun>(*run) && live.process != ProcessState::running)
    return "its process is not running";
  return "";
}

/// Why a service with no action in the plan is not healthy for its dependents ("").
std::string unhealthy_reason(const std::string& name,
                             const DesiredService& desired,
                             const LiveService& live,
                             const Plan& plan,
                             const Conditions& conditions) {
  const auto& quarantined = plan.quarantined;
  if (std::find(quarantined.begin(), quarantined.end(), name) != quarantined.end()) {
    const std::string degraded = quarantine_degraded(desired, live);
    if (!degraded.empty()) {
      return "its release " + desired.release.short_text() + " is quarantined and " + degraded;
    }
    return "";
  }
  const auto it = conditions.find(name);
  if (it != conditions.end() && !it->second.failure.empty()) {
    return "its last change failed: " + it->second.failure;
  }
  if (it != conditions.end() && !it->second.unhealthy.empty()) {
    return "it is unhealthy: " + it->second.unhealthy;
  }
  return "";
}

std::string delay_reason(const DelayedAction& delayed) {
  return "its " + std::string(to_string(delayed.action.kind)) + " is backed off for another " +
         format_duration(delayed.wait) + " (" + delayed.action.reason + ")";
}

}  // namespace

std::vector<std::string> dependency_order(const Desired& desired) {
  std::map<std::string, int> waiting;  // service -> dependencies not yet placed
  std::map<std::string, std::vector<std::string>> dependents;
  for (const auto& [name, service] : desired.services) {
    waiting[name] = 0;
    for (const std::string& dep : service.service.depends_on) {
      if (desired.services.count(dep) == 0) continue;
      ++waiting[name];
      dependents[dep].push_back(name);
    }
  }
  std::set<std::string> ready;
  for (const auto& [name, count] : waiting) {
    if (count == 0) ready.insert(name);
  }
  std::vector<std::string> order;
  while (!ready.empty()) {
    const std::string next = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(next);
    for (const std::string& dependent : dependents[next]) {
      if (--waiting[dependent] == 0) ready.insert(dependent);
    }
  }
  for (const auto& [name, count] : waiting) {
    if (count > 0) order.push_back(name);  // on a cycle
  }
  return order;
}

void sequence_plan(Plan& plan,
                   const Desired& desired,
                   const Live& live,
                   const Conditions& conditions) {
  static const LiveService k_nothing_live{};
  std::map<std::string, ServiceAction> by_service;
  for (ServiceAction& action : plan.actions) by_service[action.service] = std::move(action);
  plan.actions.clear();
  std::map<std::string, std::string> not_ready;  // service -> why, for its dependents
  for (const std::string& name : dependency_order(desired)) {
    const DesiredService& service = desired.services.at(name);
    const auto live_it = live.find(name);
    const LiveService& live_service = live_it == live.end() ? k_nothing_live : live_it->second;
    const auto action_it = by_service.find(name);
    if (action_it == by_service.end()) {
      if (std::string why = unhealthy_reason(name, service, live_service, plan, conditions);
          !why.empty())
        not_ready[name] = why;
      continue;
    }
    ServiceAction action = action_it->second;
    const auto condition = conditions.find(name);
    if (condition != conditions.end() && held(action, condition->second)) {
      DelayedAction delayed{action, condition->second.hold, condition->second.attempts};
      // A retry of a change that failed says why it failed, not only that it waits.
      not_ready[name] = condition->second.failure.empty()
                            ? delay_reason(delayed)
                            : "its last change failed: " + condition->second.failure +
                                  " (tried again in " + format_duration(delayed.wait) + ")";
      plan.delayed.push_back(std::move(delayed));
      continue;
    }
    std::optional<BlockedService> blocked;
    for (const std::string& dep : service.service.depends_on) {
      if (desired.services.count(dep) == 0) continue;  // outside its rollout share here
      if (const auto it = not_ready.find(dep); it != not_ready.end()) {
        blocked = BlockedService{action, dep, "waiting for " + dep + ": " + it->second};
        break;
      }
      if (by_service.count(dep) != 0) action.after.push_back(dep);
    }
    if (blocked) {
      not_ready[name] = "it waits for " + blocked->dependency;
      plan.blocked.push_back(std::move(*blocked));
      continue;
    }
    plan.actions.push_back(std::move(action));
  }
}

std::optional<BlockedService> blocked_in_pass(const ServiceAction& action,
                                              const PassTrouble& trouble) {
  for (const std::string& dep : action.after) {
    if (const auto it = trouble.find(dep); it != trouble.end()) {
      return BlockedService{action, dep, "waiting for " + dep + ": " + it->second};
    }
  }
  return std::nullopt;
}

}  // namespace tether
