// The container half of Applier: a container service goes through the same journal, quarantine
// and notification as a binary release; only the switch itself is the container runtime's.
#include "apply/applier.hpp"
#include "container/container_switcher.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

namespace tether {
namespace {

JournalRelease journal_release_of(const ReleaseId& id) {
  return JournalRelease{id.version, id.commit, id.dir_name()};
}

}  // namespace

Status Applier::apply_container(const ServiceAction& action,
                                const DesiredService& desired,
                                const std::string& state_commit,
                                History& history,
                                std::vector<JournalEntry>& follow_ups) const {
  const std::string& name = action.service;
  if (m_containers == nullptr) {
    return Error{name + ": this agent was started without a container runtime",
                 "run the agent with `tether run`"};
  }
  const ContainerSwitchResult result = m_containers->converge(desired, state_commit);
  if (result.end == ContainerSwitchEnd::converged) return ok_status();
  const Error& failure = *result.failure;
  if (result.end == ContainerSwitchEnd::unchanged) {
    return failure.with_context(name + ": " + action.to.short_text() +
                                " not applied, the serving container is unchanged");
  }
  if (result.end == ContainerSwitchEnd::down) {
    // Nothing to go back to: no quarantine (it would leave the service down for good).
    return Error{failure.message + "; no previous container to go back to", failure.hint};
  }
  const std::string target = action.to.dir_name();
  history[name].quarantine = Quarantine{target,
                                        action.to.version,
                                        action.to.commit,
                                        desired.spec_digest,
                                        failure.message,
                                        now_rfc3339()};
  m_notifier.notify(NotifyEvent{"quarantined",
                                JournalEntry{now_rfc3339(),
                                             state_commit,
                                             name,
                                             "quarantine",
                                             std::nullopt,
                                             journal_release_of(action.to),
                                             "ok",
                                             "",
                                             failure.message}});
  const std::string previous =
      result.previous ? result.previous->short_text() : std::string("the previous container");
  log_warn("auto-rollback",
           {{"service", name},
            {"from", action.to.short_text()},
            {"to", previous},
            {"reason", failure.message},
            {"stateCommit", state_commit}});
  if (!result.restored) {
    log_error("auto-rollback failed",
              {{"service", name}, {"error", result.restored.error().describe()}});
  }
  JournalEntry entry{now_rfc3339(),
                     state_commit,
                     name,
                     "auto-rollback",
                     journal_release_of(action.to),
                     std::nullopt,
                     result.restored ? "ok" : "failed",
                     result.restored ? "" : result.restored.error().describe(),
                     failure.message};
  if (result.previous) entry.to = journal_release_of(*result.previous);
  follow_ups.push_back(entry);
  return Error{failure.message + "; rolled back to " + previous + " and quarantined " +
                   action.to.short_text(),
               failure.hint};
}

}  // namespace tether
