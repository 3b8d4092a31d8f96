// The container half of Applier: a container service goes through the same journal, quarantine
// and notification as a binary release; only the switch itself is the container runtime's.
#include "apply/applier.hpp"
#include "apply/applier_context.hpp"
#include "container/container_switcher.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

namespace tether {

Status Applier::apply_container(const ServiceAction& action, Context& context) const {
  const std::string& name = action.service;
  if (m_containers == nullptr) {
    return Error{name + ": this agent was started without a container runtime",
                 "run the agent with `tether run`"};
  }
  // What passed its gate already (a repair, a restart, the serving spec) is replaced in
  // place; a new declaration keeps the serving container to go back to.
  const bool again = action.kind == ActionKind::repair || action.kind == ActionKind::restart ||
                     action.spec == SpecSource::serving;
  const ContainerSwitchResult result = m_containers->converge(
      context.desired,
      context.state_commit,
      again ? ContainerSwitchMode::replace : ContainerSwitchMode::with_rollback);
  if (result.end == ContainerSwitchEnd::converged) {
    record_serving(context.desired, context);
    return ok_status();
  }
  const Error& failure = *result.failure;
  if (result.end == ContainerSwitchEnd::unchanged) {
    return failure.with_context(name + ": " + action.to.short_text() +
                                " not applied, the serving container is unchanged");
  }
  if (result.end == ContainerSwitchEnd::down) {
    // Nothing to go back to: no quarantine (it would leave the service down for good).
    return Error{failure.message + "; no previous container to go back to", failure.hint};
  }
  const std::string previous =
      result.previous ? result.previous->short_text() : std::string("the previous container");
  // Stopping mid-gate: the serving container was started again; nothing is judged.
  if (!failure.stopping) quarantine(action, "", failure, context);
  log_warn("auto-rollback",
           {{"service", name},
            {"from", action.to.short_text()},
            {"to", previous},
            {"reason", failure.message},
            {"stateCommit", context.state_commit}});
  if (!result.restored) {
    log_error("auto-rollback failed",
              {{"service", name}, {"error", result.restored.error().describe()}});
  }
  JournalEntry entry{now_rfc3339(),
                     context.state_commit,
                     name,
                     "auto-rollback",
                     journal_release(action.to),
                     std::nullopt,
                     result.restored ? "ok" : "failed",
                     result.restored ? "" : result.restored.error().describe(),
                     failure.message};
  if (result.previous) entry.to = journal_release(*result.previous);
  context.follow_ups.push_back(entry);
  if (failure.stopping) return failure;
  const std::string what = action.kind == ActionKind::reconfigure
                               ? "the new settings of " + action.to.short_text()
                               : action.to.short_text();
  return Error{failure.message + "; rolled back to " + previous + " and quarantined " + what,
               failure.hint};
}

}  // namespace tether
