// The apply half of a pass: the plan carried out in dependency waves, what waits reported once,
// and the health of each service followed across passes (flap damping, recoveries).
#include "agent/reconciler.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "core/termination.hpp"
#include "plan/apply_waves.hpp"
#include "plan/sequencing.hpp"

#include <algorithm>
#include <set>

namespace tether {
namespace {

/// Adds to `batch` the prunes and lifted quarantines of `plan` that concern its actions'
/// services.
void add_prunes_and_lifts(const Plan& plan, Plan& batch) {
  std::set<std::string> services;
  for (const ServiceAction& action : batch.actions) services.insert(action.service);
  for (const PruneAction& prune : plan.prunes) {
    if (services.count(prune.service) != 0) batch.prunes.push_back(prune);
  }
  for (const std::string& name : plan.lifted_quarantines) {
    if (services.count(name) != 0) batch.lifted_quarantines.push_back(name);
  }
}

/// The service runs: its process or container is up (systemd units are not watched here).
bool is_up(const DesiredService& desired, const LiveService* live) {
  if (desired.service.container() != nullptr) {
    return live != nullptr && live->container && live->container->running;
  }
  if (desired.service.run && std::holds_alternative<ExecRun>(*desired.service.run)) {
    return live != nullptr && live->process == ProcessState::running;
  }
  return true;
}

JournalEntry event(const std::string& state_commit,
                   const ServiceAction& action,
                   const char* what,
                   const char* result,
                   std::string reason) {
  return JournalEntry{now_rfc3339(),
                      state_commit,
                      action.service,
                      what,
                      journal_release(action.from),
                      journal_release(action.to),
                      result,
                      "",
                      std::move(reason)};
}

}  // namespace

void Reconciler::record_event(const JournalEntry& entry, const char* kind) const {
  if (Status logged = Journal(m_layout.journal()).append(entry); !logged) {
    log_error("journal write failed", {{"error", logged.error().message}});
  }
  if (m_notifier != nullptr) m_notifier->notify(NotifyEvent{kind, entry});
}

void Reconciler::apply_in_order(const Desired& desired, const Live& live, PassResult& result) {
  const Plan& plan = result.plan;
  PassTrouble trouble;
  std::set<std::string> handled;
  for (const BlockedService& blocked : plan.blocked) handled.insert(blocked.action.service);
  const auto take = [&](const ApplyOutcome& outcome, const ServiceAction& action) {
    if (outcome.stopping) {
      // Neither success nor failure: the next agent start takes up from here.
      result.stopping = true;
      result.converged[outcome.service] = false;
      return;
    }
    if (outcome.rolled_back) ++result.rollbacks;
    if (!outcome.strategy.empty()) {
      const SwitchOutcome ended = outcome.ok            ? SwitchOutcome::switched
                                  : outcome.rolled_back ? SwitchOutcome::rolled_back
                                                        : SwitchOutcome::failed;
      result.switches.push_back(SwitchCount{outcome.service, outcome.strategy, ended});
    }
    if (action.kind != ActionKind::remove)
      m_damper.acted(action, outcome.ok, outcome.rolled_back, outcome.error);
    if (outcome.ok) {
      result.applied.insert(outcome.service);
      return;
    }
    trouble[outcome.service] =
        std::string("its ") + to_string(outcome.kind) + " failed in this pass: " + outcome.error;
    result.converged[outcome.service] = false;
    result.errors[outcome.service] = outcome.error;
    if (result.outcome == PassOutcome::converged) result.outcome = PassOutcome::failed;
  };
  for (const ServiceAction& action : plan.actions) handled.insert(action.service);
  // Wave after wave, so that a failure is known before its dependents' turn; the services of
  // one wave depend on none of each other and are applied at once.
  for (const std::vector<size_t>& wave : apply_waves(plan, desired)) {
    Plan batch;
    batch.state_commit = plan.state_commit;
    for (const size_t index : wave) {
      const ServiceAction& action = plan.actions[index];
      if (result.stopping || termination_requested()) {
        result.stopping = true;  // what is left waits for the next start
        result.converged[action.service] = false;
        continue;
      }
      if (auto blocked = blocked_in_pass(action, trouble)) {
        trouble[action.service] = "it waits for " + blocked->dependency;
        result.blocked.push_back(std::move(*blocked));
        continue;
      }
      batch.actions.push_back(action);
    }
    if (batch.actions.empty()) continue;
    add_prunes_and_lifts(plan, batch);
    // Outcomes come back in the batch's order, whatever order the threads finished in: what
    // the pass reports does not depend on timing.
    const auto outcomes = m_applier.apply(batch, desired, live, m_apply_parallel);
    for (size_t i = 0; i < outcomes.size() && i < batch.actions.size(); ++i)
      take(outcomes[i], batch.actions[i]);
  }
  if (result.stopping) return;
  // Removals, and prunes and lifted quarantines of services that had no action to carry them.
  Plan rest;
  rest.state_commit = plan.state_commit;
  rest.removals = plan.removals;
  for (const PruneAction& prune : plan.prunes) {
    if (handled.count(prune.service) == 0) rest.prunes.push_back(prune);
  }
  for (const std::string& name : plan.lifted_quarantines) {
    if (handled.count(name) == 0) rest.lifted_quarantines.push_back(name);
  }
  if (rest.empty()) return;
  for (const ApplyOutcome& outcome : m_applier.apply(rest, desired, live)) {
    const auto removal =
        std::find_if(plan.removals.begin(), plan.removals.end(), [&](const ServiceAction& a) {
          return a.service == outcome.service;
        });
    if (removal != plan.removals.end()) take(outcome, *removal);
  }
}

void Reconciler::report_waits(const Plan& plan, const std::vector<BlockedService>& blocked) {
  for (const DelayedAction& delayed : plan.delayed) {
    if (!m_damper.delayed(delayed)) continue;
    const ActionKind kind_held = delayed.action.kind;
    // A retry of a change that failed waits quietly: its failure was journaled once, and the
    // status says when it is tried again. Restarts and repairs that keep coming are news.
    if (kind_held != ActionKind::restart && kind_held != ActionKind::repair) continue;
    const ServiceAction& action = delayed.action;
    const std::string kind = to_string(action.kind);
    std::string reason = kind + " delayed " + format_duration(delayed.wait) + ": " + action.reason +
                         " (" + std::to_string(delayed.attempts) + " " + kind + "s in a row)";
    log_warn("backing off",
             {{"service", action.service},
              {"action", kind},
              {"wait", format_duration(delayed.wait)},
              {"reason", action.reason},
              {"stateCommit", plan.state_commit.substr(0, 12)}});
    record_event(event(plan.state_commit, action, "delayed", "skipped", std::move(reason)),
                 "delayed");
  }
  std::map<std::string, std::string> now_blocked;
  for (const BlockedService& b : blocked) {
    const std::string key = b.dependency + "/" + b.action.to.dir_name();
    now_blocked[b.action.service] = key;
    if (m_blocked_reported[b.action.service] == key) continue;
    log_warn("blocked",
             {{"service", b.action.service},
              {"dependency", b.dependency},
              {"reason", b.reason},
              {"stateCommit", plan.state_commit.substr(0, 12)}});
    record_event(event(plan.state_commit, b.action, "blocked", "skipped", b.reason), "blocked");
  }
  m_blocked_reported = std::move(now_blocked);
}

void Reconciler::report_unhealthy(const Desired& desired,
                                  const std::map<std::string, HealthState>& unhealthy) {
  std::map<std::string, std::string> episodes;
  for (const auto& [name, state] : unhealthy) {
    const auto declared = desired.services.find(name);
    if (declared == desired.services.end()) continue;
    episodes[name] = state.since;
    if (m_unhealthy_since[name] == state.since) continue;
    ServiceAction serving;
    serving.service = name;
    serving.to = declared->second.release;
    record_event(event(desired.state_commit,
                       serving,
                       "unhealthy",
                       "failed",
                       "health probe failing: " + describe_unhealthy(state)),
                 "unhealthy");
  }
  m_unhealthy_since = std::move(episodes);
}

void Reconciler::observe_health(const Desired& desired, PassResult& result) {
  std::set<std::string> waiting;
  for (const DelayedAction& delayed : result.plan.delayed) waiting.insert(delayed.action.service);
  for (const BlockedService& blocked : result.blocked) waiting.insert(blocked.action.service);
  for (const auto& [name, service] : desired.services) {
    if (std::string failure = m_damper.failure(name, service); !failure.empty()) {
      result.failing[name] = failure;
      result.converged[name] = false;
    }
    const auto live = result.live_after.find(name);
    const bool healthy = result.failing.count(name) == 0 && result.errors.count(name) == 0 &&
                         waiting.count(name) == 0 && result.unhealthy.count(name) == 0 &&
                         is_up(service, live == result.live_after.end() ? nullptr : &live->second);
    result.healthy[name] = healthy;
    const auto recovery = m_damper.observe(name, healthy);
    if (!recovery) continue;
    log_info("recovered", {{"service", name}, {"reason", recovery->summary}});
    ServiceAction serving;
    serving.service = name;
    serving.to = service.release;
    const JournalEntry entry =
        event(result.state_commit, serving, "recovered", "ok", recovery->summary);
    record_event(entry, "recovered");
    m_recovered_at[name] = entry.time;
    result.recoveries.push_back(*recovery);
  }
  for (const auto& [name, time] : m_recovered_at) {
    if (desired.services.count(name) != 0) result.recovered_at[name] = time;
  }
}

}  // namespace tether
