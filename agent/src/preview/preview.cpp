#include "preview/preview.hpp"

#include "plan/container_plan.hpp"
#include "plan/planner.hpp"
#include "plan/suspension_plan.hpp"

#include <algorithm>
#include <set>

namespace tether::preview {
namespace {

const ServiceAction* action_for(const Plan& plan, const std::string& service) {
  const auto it = std::find_if(plan.actions.begin(),
                               plan.actions.end(),
                               [&](const ServiceAction& a) { return a.service == service; });
  return it == plan.actions.end() ? nullptr : &*it;
}

/// Repair and restart are the steps that put back what the agent made: when they are planned,
/// the host departs from its own last apply.
bool is_repair(const ServiceAction* action) {
  return action != nullptr &&
         (action->kind == ActionKind::repair || action->kind == ActionKind::restart);
}

std::optional<ReleaseId> serving(const Live& live, const std::string& name) {
  const auto it = live.find(name);
  if (it == live.end()) return std::nullopt;
  if (it->second.container) return release_of(*it->second.container);
  if (const InstalledRelease* current = it->second.current()) return current->id;
  return std::nullopt;
}

std::string note_for(const Plan& plan, const std::string& service) {
  for (const std::string& note : plan.notes) {
    if (note.rfind(service + ": ", 0) == 0) return note.substr(service.size() + 2);
  }
  return "";
}

const SuspendedService* held_for(const Plan& plan, const std::string& service) {
  for (const SuspendedService& held : plan.suspended) {
    if (held.action.service == service) return &held;
  }
  return nullptr;
}

std::set<std::string> names_of(const PreviewInput& input) {
  std::set<std::string> names;
  for (const auto& [name, service] : input.proposed.services) names.insert(name);
  if (input.applied) {
    for (const auto& [name, service] : input.applied->services) names.insert(name);
  }
  for (const auto& [name, service] : input.live) {
    if (service.current_dir || service.container) names.insert(name);
  }
  return names;
}

/// Action and reason at the ref, when the planner has no step for the service.
void explain_no_action(const PreviewInput& input, const Plan& plan, ServicePreview& preview) {
  const bool quarantined =
      std::find(plan.quarantined.begin(), plan.quarantined.end(), preview.service) !=
      plan.quarantined.end();
  if (quarantined) {
    preview.action = "held";
    preview.reason = note_for(plan, preview.service);
  } else if (preview.desired) {
    preview.reason = "runs the declared release";
  } else if (input.proposed.services.count(preview.service) == 0) {
    preview.reason = "not declared for this host at the ref; left as it is";
  }
}

}  // namespace

const char* to_string(Signature signature) {
  switch (signature) {
    case Signature::not_required:
      return "not-required";
    case Signature::valid:
      return "valid";
    case Signature::unsigned_commit:
      return "unsigned";
    case Signature::invalid:
      break;
  }
  return "invalid";
}

Preview make_preview(const PreviewInput& input) {
  // The host's holds keep back what the ref would do here; drift (the baseline) is drift
  // whether or not it is held.
  const Plan plan =
      make_plan(input.proposed,
                input.live,
                input.history,
                {},
                suspensions_in_force(input.proposed, input.live, input.holds, input.now));
  const Plan baseline =
      input.applied ? make_plan(*input.applied, input.live, input.history) : Plan{};
  Preview preview;
  preview.host = input.host;
  preview.labels = input.proposed.host_labels;
  preview.ref = input.ref;
  preview.ref_name = input.ref_name;
  preview.commit = input.proposed.state_commit;
  preview.applied_commit = input.applied ? input.applied->state_commit : "";
  preview.trust = input.trust;
  preview.notes = plan.notes;
  for (const std::string& name : names_of(input)) {
    ServicePreview service;
    service.service = name;
    if (const auto it = input.proposed.services.find(name); it != input.proposed.services.end())
      service.desired = it->second.release;
    service.live = serving(input.live, name);
    const ServiceAction* action = action_for(plan, name);
    if (action != nullptr) {
      service.action = to_string(action->kind);
      service.reason = action->reason;
    } else if (const SuspendedService* held = held_for(plan, name)) {
      service.action = "suspended";
      service.reason = "would " + std::string(to_string(held->action.kind)) + " (" +
                       held->action.reason + "); held by " + held->suspension.source + ": " +
                       held->suspension.reason;
    } else {
      explain_no_action(input, plan, service);
    }
    // Drift is what the agent would repair at the commit it applied; a repair the ref's own
    // plan makes (its target is what serves) is drift as well.
    const ServiceAction* repair = action_for(baseline, name);
    if (!is_repair(repair) && is_repair(action)) repair = action;
    if (is_repair(repair)) {
      service.drift = true;
      service.drift_reason = repair->reason;
      service.repairs_drift = service.changes();
    }
    preview.services.push_back(std::move(service));
  }
  return preview;
}

}  // namespace tether::preview
