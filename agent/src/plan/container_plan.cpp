#include "plan/container_plan.hpp"

#include "model/image_ref.hpp"

#include <algorithm>

namespace tether {
namespace {

std::string label_of(const LiveContainer& container, const std::string& key) {
  const auto it = container.labels.find(key);
  return it == container.labels.end() ? "" : it->second;
}

/// Why the live container is not what tether made for `desired`'s release ("" when it is).
std::string drift_of(const DesiredService& desired, const LiveContainer& container) {
  const std::string& digest = desired.release.binary_sha256;
  if (label_of(container, "tether.service") != desired.service.name)
    return "container " + container.name + " was not created by tether";
  const auto& known = container.image_digests;
  if (std::find(known.begin(), known.end(), digest) == known.end()) {
    return "container " + container.name + " runs image " +
           (container.image_digest.empty() ? "of unknown digest" : container.image_digest) +
           ", not " + digest;
  }
  if (!container.running) {
    return "container " + container.name + " is " +
           (container.status.empty() ? "not running" : container.status);
  }
  return "";
}

}  // namespace

std::optional<ReleaseId> release_of(const LiveContainer& container) {
  const std::string image = label_of(container, "tether.image");
  if (image.empty()) return std::nullopt;
  return container_release_id(image, label_of(container, "tether.config-hash"));
}

std::optional<ServiceAction> plan_container(const DesiredService& desired,
                                            const LiveService& live,
                                            const ServiceHistory& history) {
  const ReleaseId& target = desired.release;
  ServiceAction action;
  action.service = desired.service.name;
  action.to = target;
  action.install = true;  // pull (a no-op for the engine when it has the image)
  action.switch_current = true;
  const bool applied_here = history.last_good_dir == target.dir_name();
  if (!live.container) {
    action.kind = applied_here ? ActionKind::repair : ActionKind::install;
    action.reason = applied_here ? "container tether-" + desired.service.name + " is gone"
                                 : "install " + target.short_text();
    return action;
  }
  const LiveContainer& container = *live.container;
  action.from = release_of(container);
  const bool declared_here = action.from && *action.from == target;
  const std::string drift = drift_of(desired, container);
  if (declared_here && drift.empty()) return std::nullopt;
  if (declared_here || applied_here || !action.from) {
    action.kind = ActionKind::repair;
    action.reason = drift.empty() ? "container " + container.name + " carries other labels" : drift;
    return action;
  }
  action.kind = ActionKind::change;
  action.reason = "change to " + target.short_text() + " from " + action.from->short_text();
  if (action.from->commit == target.commit) action.reason += " (config only)";
  return action;
}

}  // namespace tether
