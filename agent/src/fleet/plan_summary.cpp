#include "fleet/plan_summary.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace tether::fleet {
namespace {

std::string hosts_phrase(size_t count) {
  return std::to_string(count) + (count == 1 ? " host" : " hosts");
}

/// "upgrade web 1.4.2 → 1.5.0", "restart web", "keep web (...)"; the verb agrees with `hosts`
/// ("1 host upgrades web", "3 hosts upgrade web").
std::string change_phrase(const ChangeGroup& group) {
  const bool one = group.hosts.size() == 1;
  if (group.action == "held")
    return std::string(one ? "keeps " : "keep ") + group.service + " (its release is quarantined)";
  std::string verb = group.action == "rollback" ? "roll back" : group.action;
  if (one) verb = group.action == "rollback" ? "rolls back" : verb + "s";
  std::string text = verb + " " + group.service;
  const bool moves = group.action == "upgrade" || group.action == "rollback" ||
                     group.action == "change" || group.action == "install";
  if (!moves || group.to_version.empty()) return text;
  if (!group.from_version.empty() && group.from_version != group.to_version)
    return text + " " + group.from_version + " → " + group.to_version;
  return text + " " + group.to_version;
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

FleetPlan summarize_plan(const std::string& ref, std::vector<HostPlan> hosts) {
  FleetPlan plan;
  plan.ref = ref;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, ChangeGroup> groups;
  for (const HostPlan& host : hosts) {
    if (!host.unreachable.empty()) {
      plan.unreachable.push_back(host.name());
      continue;
    }
    if (!host.error.empty()) {
      plan.errored.push_back(host.name());
      continue;
    }
    if (!host.admitted) plan.refusing.push_back(host.name());
    for (const ServicePlan& service : host.services) {
      if (service.drift) {
        add_unique(service.repairs_drift ? plan.drift_repaired : plan.drift_kept, host.name());
      }
      if (!service.changes() && service.action != "held") continue;
      const auto key = std::make_tuple(
          service.service, service.action, service.live_version, service.desired_version);
      ChangeGroup& group = groups[key];
      group.action = service.action;
      group.service = service.service;
      group.from_version = service.live_version;
      group.to_version = service.desired_version;
      group.hosts.push_back(host.name());
    }
  }
  for (auto& [key, group] : groups) plan.changes.push_back(std::move(group));
  std::stable_sort(plan.changes.begin(), plan.changes.end(), [](const auto& a, const auto& b) {
    return a.hosts.size() > b.hosts.size();
  });
  plan.hosts = std::move(hosts);
  return plan;
}

std::string plan_headline(const FleetPlan& plan) {
  std::vector<std::string> parts;
  for (const ChangeGroup& group : plan.changes)
    parts.push_back(hosts_phrase(group.hosts.size()) + " " + change_phrase(group));
  if (parts.empty()) parts.push_back("no host changes");
  const auto have = [](size_t n) { return n == 1 ? " has" : " have"; };
  if (!plan.drift_repaired.empty()) {
    parts.push_back(hosts_phrase(plan.drift_repaired.size()) + have(plan.drift_repaired.size()) +
                    " drift that this PR would also repair");
  }
  if (!plan.drift_kept.empty()) {
    parts.push_back(hosts_phrase(plan.drift_kept.size()) + have(plan.drift_kept.size()) +
                    " drift that this PR leaves as is");
  }
  if (!plan.refusing.empty()) {
    parts.push_back(hosts_phrase(plan.refusing.size()) +
                    " would refuse the tip as it is (signature)");
  }
  if (!plan.unreachable.empty())
    parts.push_back(hosts_phrase(plan.unreachable.size()) + " unreachable");
  if (!plan.errored.empty()) {
    parts.push_back(hosts_phrase(plan.errored.size()) + " could not preview " + plan.ref);
  }
  std::string line;
  for (const std::string& part : parts) line += (line.empty() ? "" : "; ") + part;
  return line;
}

}  // namespace tether::fleet
