#include "plan/suspension_plan.hpp"

#include <algorithm>

namespace tether {
namespace {

std::optional<Suspension> local_hold(const HostSuspensions& local,
                                     const std::string& name,
                                     const std::string& now) {
  // Both times are written by rfc3339_of (fixed width, UTC), so they order as strings.
  const auto current = [&](const Suspension& hold) {
    return hold.until.empty() || now < hold.until;
  };
  if (local.all && current(*local.all)) return local.all;
  const auto it = local.services.find(name);
  if (it != local.services.end() && current(it->second)) return it->second;
  return std::nullopt;
}

std::optional<Suspension> git_hold(const Desired& desired, const std::string& name) {
  if (desired.host_suspend) return desired.host_suspend;
  const auto it = desired.services.find(name);
  if (it != desired.services.end() && it->second.service.suspend) {
    return Suspension{*it->second.service.suspend, "services/" + name + ".yaml", "", ""};
  }
  return std::nullopt;
}

template <class Item, class NameOf>
void remove_held(std::vector<Item>& items, const Suspensions& suspensions, NameOf name_of) {
  std::erase_if(items, [&](const Item& item) { return suspensions.count(name_of(item)) != 0; });
}

}  // namespace

Suspensions suspensions_in_force(const Desired& desired,
                                 const Live& live,
                                 const HostSuspensions& local,
                                 const std::string& now) {
  Suspensions in_force;
  const auto consider = [&](const std::string& name) {
    if (in_force.count(name) != 0) return;
    if (auto hold = local_hold(local, name, now)) {
      in_force.emplace(name, *hold);
    } else if (auto from_git = git_hold(desired, name)) {
      in_force.emplace(name, *from_git);
    }
  };
  for (const auto& [name, service] : desired.services) consider(name);
  for (const auto& [name, service] : live) consider(name);
  return in_force;
}

void hold_suspended(Plan& plan, const Suspensions& suspensions) {
  if (suspensions.empty()) return;
  for (auto* actions : {&plan.actions, &plan.removals}) {
    for (const ServiceAction& action : *actions) {
      const auto it = suspensions.find(action.service);
      if (it != suspensions.end()) plan.suspended.push_back({action, it->second});
    }
    remove_held(*actions, suspensions, [](const ServiceAction& a) { return a.service; });
  }
  remove_held(plan.prunes, suspensions, [](const PruneAction& p) { return p.service; });
  remove_held(plan.lifted_quarantines, suspensions, [](const std::string& name) { return name; });
  std::stable_sort(plan.suspended.begin(),
                   plan.suspended.end(),
                   [](const SuspendedService& a, const SuspendedService& b) {
                     return a.action.service < b.action.service;
                   });
}

}  // namespace tether
