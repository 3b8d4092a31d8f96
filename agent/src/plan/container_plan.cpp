#include "plan/container_plan.hpp"

#include "model/image_ref.hpp"
#include "plan/release_plan.hpp"

#include <algorithm>

namespace tether {
namespace {

/// Why the live container does not run `digest` as tether made it ("" when it does).
std::string drift_of(const std::string& service,
                     const std::string& digest,
                     const LiveContainer& container) {
  if (label_of(container, k_label_service) != service)
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

/// The image digest and config hash of `id` without the tag: what the container runs.
std::string content_of(const ReleaseId& id) { return id.binary_sha256 + "/" + id.config_hash; }

}  // namespace

std::optional<ReleaseId> release_of(const LiveContainer& container) {
  const std::string image = label_of(container, k_label_image);
  if (image.empty()) return std::nullopt;
  return container_release_id(image, label_of(container, k_label_config_hash));
}

std::optional<ServiceAction> plan_container(const DesiredService& desired,
                                            const LiveService& live,
                                            const ServiceHistory& history,
                                            const std::string& unhealthy) {
  const ReleaseId& target = desired.release;
  ServiceAction action;
  action.service = desired.service.name;
  action.to = target;
  action.fingerprint = desired.fingerprint;
  action.install = true;  // pull (a no-op for the engine when it has the image)
  action.switch_current = true;
  const bool verified = live.serving && live.serving->fingerprint == desired.fingerprint;
  // Hosts last served by an agent that kept no serving record: the history says what it ran.
  const bool applied_here =
      verified || (!live.serving && history.last_good_dir == target.dir_name());
  if (!live.container) {
    action.kind = applied_here ? ActionKind::repair : ActionKind::install;
    action.reason = applied_here ? "container tether-" + desired.service.name + " is gone"
                                 : "install " + target.short_text();
    return action;
  }
  const LiveContainer& container = *live.container;
  action.from = release_of(container);
  const std::string drift = drift_of(desired.service.name, target.binary_sha256, container);
  const bool same_content = action.from && content_of(*action.from) == content_of(target);
  if (live.fingerprint == desired.fingerprint && drift.empty()) {
    if (!applied_here) {
      action.kind = ActionKind::reconfigure;
      action.reason = describe_reconfigure(desired, live);
      return action;
    }
    if (unhealthy.empty()) return std::nullopt;
    action.kind = ActionKind::restart;
    action.reason = "unhealthy: " + unhealthy;
    return action;
  }
  // What runs differs from a declaration that passed its gate here: drift, put back.
  if (applied_here || !action.from || (!drift.empty() && same_content)) {
    action.kind = ActionKind::repair;
    action.reason =
        drift.empty() ? "container " + container.name + " runs other settings or labels" : drift;
    return action;
  }
  if (same_content) {
    action.kind = ActionKind::reconfigure;
    action.reason = describe_reconfigure(desired, live);
    return action;
  }
  action.kind = ActionKind::change;
  action.reason = "change to " + target.short_text() + " from " + action.from->short_text();
  if (action.from->commit == target.commit) action.reason += " (config only)";
  return action;
}

std::optional<ServiceAction> plan_container_serving(const DesiredService& desired,
                                                    const LiveService& live,
                                                    const std::string& unhealthy) {
  if (!live.serving || live.serving->image.empty()) return std::nullopt;
  const ServingRecord& serving = *live.serving;
  ServiceAction action;
  action.service = desired.service.name;
  action.to = serving.release;
  action.install = true;
  action.switch_current = true;
  action.spec = SpecSource::serving;
  action.fingerprint = serving.fingerprint;
  action.kind = ActionKind::repair;
  if (!live.container) {
    action.reason = "container tether-" + desired.service.name + " is gone";
    return action;
  }
  action.from = release_of(*live.container);
  const std::string drift =
      drift_of(desired.service.name, serving.release.binary_sha256, *live.container);
  if (!drift.empty()) {
    action.reason = drift;
  } else if (live.fingerprint != serving.fingerprint) {
    action.reason = "it runs other settings than the ones that passed the health gate";
  } else if (!unhealthy.empty()) {
    action.kind = ActionKind::restart;
    action.reason = "unhealthy: " + unhealthy;
  } else {
    return std::nullopt;
  }
  return action;
}

}  // namespace tether
