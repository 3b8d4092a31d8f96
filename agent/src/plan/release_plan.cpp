#include "plan/release_plan.hpp"

#include "core/version_order.hpp"

#include <functional>

namespace tether {
namespace {

/// As `tether plan` labels the move: the same build with other config is a change; another
/// build is a rollback when it sorts lower, or when it was here before the current one
/// (installed earlier: `git revert` brings back what was declared earlier, and a host that
/// followed the branch installed it then).
ActionKind kind_of_switch(const ReleaseId& to,
                          const InstalledRelease* from,
                          const InstalledRelease* installed) {
  if (from == nullptr) return ActionKind::install;
  const int order = compare_versions(to.version, from->id.version);
  const bool same_build = to.version == from->id.version && to.commit == from->id.commit &&
                          to.binary_sha256 == from->id.binary_sha256;
  if (same_build) return ActionKind::change;
  if (order < 0) return ActionKind::rollback;
  if (installed != nullptr && !installed->installed_at.empty() &&
      installed->installed_at < from->installed_at)
    return ActionKind::rollback;
  return ActionKind::upgrade;  // a newer version, or a rebuild of the same one
}

std::string describe_switch(ActionKind kind, const InstalledRelease* from, const ReleaseId& to) {
  std::string text = std::string(to_string(kind)) + " to " + to.short_text();
  if (from != nullptr) text += " from " + from->id.short_text();
  return text;
}

bool is_supervised(const Service& service) {
  return service.run && std::holds_alternative<ExecRun>(*service.run);
}

/// What must happen for the release in `current` (`action.to`, intact, in `dir`) to run with
/// the spec whose fingerprint is `want`, or nullopt when it does. `verified` is whether `want`
/// passed its health gate here (the serving record says so). `reconfigure_reason` is asked only
/// when a reconfigure is planned: a service that keeps running (most of them, every pass) does
/// not compare its specs field by field.
std::optional<ServiceAction> keep_running(ServiceAction action,
                                          const std::string& dir,
                                          const LiveService& live,
                                          const std::string& want,
                                          bool supervised,
                                          bool verified,
                                          const std::string& unhealthy,
                                          const std::function<std::string()>& reconfigure_reason) {
  // Starting it again with a spec that never passed the gate here is a reconfigure: it goes
  // through the gate and back to the serving spec if it fails.
  const auto restart = [&](std::string reason) {
    action.kind = verified ? ActionKind::restart : ActionKind::reconfigure;
    action.reason = verified ? std::move(reason) : reconfigure_reason() + "; " + reason;
    return action;
  };
  if (supervised && live.process != ProcessState::running) return restart("process is not running");
  if (supervised && live.process_release_dir != dir)
    return restart("process runs release " + live.process_release_dir);
  if (live.fingerprint != want || !verified) {
    action.kind = ActionKind::reconfigure;
    action.reason = reconfigure_reason();
    return action;
  }
  if (!unhealthy.empty()) {
    action.kind = ActionKind::restart;
    action.reason = "unhealthy: " + unhealthy;
    return action;
  }
  return std::nullopt;
}

}  // namespace

std::string describe_reconfigure(const DesiredService& desired, const LiveService& live) {
  if (live.serving && live.serving->fingerprint == live.fingerprint) {
    const RuntimeSpec declared = runtime_spec_of(desired.service, desired.release);
    std::string fields;
    for (const std::string& field : spec_differences(live.serving->spec, declared)) {
      fields += (fields.empty() ? "" : ", ") + field;
    }
    if (!fields.empty()) return "reconfigure: " + fields + " changed";
  }
  if (live.fingerprint.empty()) return "reconfigure: the settings it runs with are not known";
  if (live.fingerprint == desired.fingerprint)
    return "reconfigure: its settings never passed the health gate here";
  return "reconfigure: it runs other settings than declared";
}

std::optional<ServiceAction> plan_release(const DesiredService& desired,
                                          const LiveService& live,
                                          const std::string& unhealthy) {
  const ReleaseId& target = desired.release;
  const std::string dir = target.dir_name();
  const InstalledRelease* current = live.current();
  ServiceAction action;
  action.service = desired.service.name;
  action.to = target;
  action.fingerprint = desired.fingerprint;
  if (current != nullptr) action.from = current->id;

  if (current != nullptr && current->dir_name == dir) {
    if (!current->intact) {
      action.kind = ActionKind::repair;
      action.install = true;
      action.reason = "live release is damaged: " + current->damage;
      return action;
    }
    const bool verified = live.serving && live.serving->fingerprint == desired.fingerprint;
    return keep_running(action,
                        dir,
                        live,
                        desired.fingerprint,
                        is_supervised(desired.service),
                        verified,
                        unhealthy,
                        [&] { return describe_reconfigure(desired, live); });
  }

  const InstalledRelease* installed = live.find(dir);
  action.kind = kind_of_switch(target, current, installed);
  action.install = installed == nullptr || !installed->intact;
  action.switch_current = true;
  action.reason = describe_switch(action.kind, current, target);
  if (!action.install) action.reason += " (already installed)";
  if (current == nullptr && live.current_dir) {
    action.reason += "; current pointed at unknown release " + *live.current_dir;
  }
  return action;
}

std::optional<ServiceAction> plan_keep_serving(const DesiredService& desired,
                                               const LiveService& live,
                                               const std::string& unhealthy) {
  if (!live.serving) return std::nullopt;
  const ServingRecord& serving = *live.serving;
  const std::string dir = serving.release.dir_name();
  const InstalledRelease* installed = live.find(dir);
  if (installed == nullptr || !installed->intact) return std::nullopt;
  const InstalledRelease* current = live.current();
  ServiceAction action;
  action.service = desired.service.name;
  if (current != nullptr) action.from = current->id;
  action.to = serving.release;
  action.spec = SpecSource::serving;
  action.fingerprint = serving.fingerprint;
  if (current == nullptr || current->dir_name != dir) {
    // An auto-rollback that did not finish (its switch back failed): finish it.
    action.kind = ActionKind::rollback;
    action.switch_current = true;
    action.reason = "put current back on " + serving.release.short_text() +
                    ", the release that passed its health gate here";
    return action;
  }
  const bool supervised = serving.spec.run && std::holds_alternative<ExecRun>(*serving.spec.run);
  auto kept = keep_running(action, dir, live, serving.fingerprint, supervised, true, unhealthy, [] {
    return std::string("it runs other settings than the ones that passed the health gate");
  });
  // The serving spec passed its gate here: starting it again is a restart, never a reconfigure.
  if (kept) kept->kind = ActionKind::restart;
  return kept;
}

}  // namespace tether
