#include "plan/planner.hpp"

#include "core/version_order.hpp"
#include "plan/container_plan.hpp"
#include "plan/sequencing.hpp"

#include <algorithm>

namespace tether {
namespace {

ActionKind kind_of_switch(const ReleaseId& to, const InstalledRelease* from) {
  if (from == nullptr) return ActionKind::install;
  const int order = compare_versions(to.version, from->id.version);
  if (order > 0) return ActionKind::upgrade;
  if (order < 0) return ActionKind::rollback;
  return ActionKind::change;
}

std::string describe_switch(ActionKind kind, const InstalledRelease* from, const ReleaseId& to) {
  std::string text = std::string(to_string(kind)) + " to " + to.short_text();
  if (from != nullptr) text += " from " + from->id.short_text();
  return text;
}

bool is_supervised(const DesiredService& desired) {
  return desired.service.run && std::holds_alternative<ExecRun>(*desired.service.run);
}

/// The release in `current` is the one to keep: restart its process if it is down or runs
/// another release. `action` already names service, from and to.
std::optional<ServiceAction> keep_running(ServiceAction action,
                                          const DesiredService& desired,
                                          const LiveService& live) {
  if (!is_supervised(desired)) return std::nullopt;
  const std::string dir = action.to.dir_name();
  action.kind = ActionKind::restart;
  if (live.process != ProcessState::running) {
    action.reason = "process is not running";
    return action;
  }
  if (live.process_release_dir != dir) {
    action.reason = "process runs release " + live.process_release_dir;
    return action;
  }
  return std::nullopt;
}

std::optional<ServiceAction> plan_service(const DesiredService& desired, const LiveService& live) {
  const ReleaseId& target = desired.release;
  const std::string dir = target.dir_name();
  const InstalledRelease* current = live.current();
  ServiceAction action;
  action.service = desired.service.name;
  action.to = target;
  if (current != nullptr) action.from = current->id;

  if (current != nullptr && current->dir_name == dir) {
    if (!current->intact) {
      action.kind = ActionKind::repair;
      action.install = true;
      action.reason = "live release is damaged: " + current->damage;
      return action;
    }
    return keep_running(action, desired, live);
  }

  const InstalledRelease* installed = live.find(dir);
  action.kind = kind_of_switch(target, current);
  action.install = installed == nullptr || !installed->intact;
  action.switch_current = true;
  action.reason = describe_switch(action.kind, current, target);
  if (!action.install) action.reason += " (already installed)";
  if (current == nullptr && live.current_dir) {
    action.reason += "; current pointed at unknown release " + *live.current_dir;
  }
  return action;
}

/// The target failed its health gate here and nothing about the service changed since: stay
/// on what serves now (restarting it if it died) instead of retrying in a loop.
std::optional<ServiceAction> plan_quarantined(const DesiredService& desired,
                                              const LiveService& live,
                                              const Quarantine& quarantine,
                                              std::vector<std::string>& notes) {
  const InstalledRelease* current = live.current();
  std::string serving = current != nullptr ? current->id.short_text() : std::string("nothing");
  const std::optional<ReleaseId> container =
      live.container ? release_of(*live.container) : std::nullopt;
  if (container) serving = container->short_text();
  std::string note =
      desired.service.name + ": " + quarantine.version + " (" + quarantine.commit.substr(0, 12) +
      ") failed health at " + quarantine.time + " (" + quarantine.reason + "); serving " + serving +
      "; fix or revert in the state repo, or run `tether retry " + desired.service.name + "`";
  notes.push_back(note);
  // The container that serves is the one the rollback restarted; its spec is not declared
  // any more, so it is left as it is.
  if (desired.service.container() != nullptr) return std::nullopt;
  if (current == nullptr || current->dir_name == quarantine.dir_name || !current->intact)
    return std::nullopt;
  ServiceAction action;
  action.service = desired.service.name;
  action.from = current->id;
  action.to = current->id;
  return keep_running(action, desired, live);
}

std::optional<PruneAction> plan_prune(const DesiredService& desired, const LiveService& live) {
  std::vector<const InstalledRelease*> newest_first;
  for (const auto& release : live.installed) newest_first.push_back(&release);
  std::sort(newest_first.begin(), newest_first.end(), [](const auto* a, const auto* b) {
    return a->installed_at != b->installed_at ? a->installed_at > b->installed_at
                                              : a->dir_name > b->dir_name;
  });
  const std::string target = desired.release.dir_name();
  const std::string current = live.current_dir.value_or("");
  // The target and the release being switched away from always stay: the latter is what an
  // automatic rollback returns to.
  size_t kept = (live.find(target) != nullptr ? 1 : 0) +
                (live.find(current) != nullptr && current != target ? 1 : 0);
  PruneAction prune{desired.service.name, {}};
  for (const InstalledRelease* release : newest_first) {
    if (release->dir_name == target || release->dir_name == current) continue;
    if (kept < static_cast<size_t>(desired.service.keep_releases)) {
      ++kept;
      continue;
    }
    prune.dir_names.push_back(release->dir_name);
  }
  if (prune.dir_names.empty()) return std::nullopt;
  std::sort(prune.dir_names.begin(), prune.dir_names.end());
  return prune;
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
  }
  return "unknown";
}

Plan make_plan(const Desired& desired,
               const Live& live,
               const History& history,
               const Conditions& conditions) {
  Plan plan;
  plan.state_commit = desired.state_commit;
  static const LiveService k_nothing_live{};
  for (const auto& [name, service] : desired.services) {
    const auto it = live.find(name);
    const LiveService& live_service = it == live.end() ? k_nothing_live : it->second;
    const auto past = history.find(name);
    const std::optional<Quarantine> quarantine =
        past == history.end() ? std::nullopt : past->second.quarantine;
    if (quarantine && quarantine->dir_name == service.release.dir_name() &&
        quarantine->spec_digest == service.spec_digest) {
      plan.quarantined.push_back(name);
      if (auto action = plan_quarantined(service, live_service, *quarantine, plan.notes)) {
        plan.actions.push_back(*action);
      }
      continue;
    }
    if (quarantine) plan.lifted_quarantines.push_back(name);
    if (service.service.container() != nullptr) {
      const ServiceHistory none;
      const ServiceHistory& past_here = past == history.end() ? none : past->second;
      if (auto action = plan_container(service, live_service, past_here))
        plan.actions.push_back(*action);
      continue;
    }
    if (auto action = plan_service(service, live_service)) plan.actions.push_back(*action);
    if (auto prune = plan_prune(service, live_service)) plan.prunes.push_back(*prune);
  }
  for (const auto& [name, live_service] : live) {
    if (desired.services.count(name) == 0 && live_service.current_dir) {
      plan.notes.push_back(name + ": live but no longer declared for this host; left as it is");
    }
  }
  sequence_plan(plan, desired, live, conditions);
  return plan;
}

}  // namespace tether
