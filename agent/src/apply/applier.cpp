#include "apply/applier.hpp"

#include "apply/applier_context.hpp"
#include "apply/release_installer.hpp"
#include "apply/shared_paths.hpp"
#include "core/bounded_parallel.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "core/overloaded.hpp"
#include "core/termination.hpp"
#include "live/serving_record.hpp"

#include <algorithm>
#include <optional>

namespace tether {
namespace {

std::string text_of(const std::optional<ReleaseId>& id) { return id ? id->short_text() : "-"; }

/// The strategy a switch goes through (a new release or new settings of a release service);
/// "" for what switches nothing (a restart, a repair in place, a container).
std::string strategy_of(const ServiceAction& action, const DesiredService& desired) {
  const bool switches = action.switch_current || action.kind == ActionKind::reconfigure;
  if (!switches || desired.service.release() == nullptr) return "";
  return strategy_name(desired.service.switch_spec.strategy);
}

std::string failure_key(const JournalEntry& entry) {
  return entry.action + "\n" + (entry.to ? entry.to->dir : "") + "\n" + entry.error;
}

}  // namespace

bool Applier::repeats_last_failure(const JournalEntry& entry) const {
  const std::lock_guard lock(m_shared);
  std::string& last = m_last_failure[entry.service];
  const std::string key = failure_key(entry);
  if (last == key) return true;
  last = key;
  return false;
}

bool Applier::save_history(const History& history) const {
  if (Status saved = m_history.save(history); !saved) {
    log_error("cannot save the history (quarantines may be retried)",
              {{"error", saved.error().describe()}});
    return false;
  }
  return true;
}

std::vector<VouchedDigest> Applier::take_vouched() const {
  const std::lock_guard lock(m_shared);
  return std::exchange(m_vouched, {});
}

bool Applier::forget_failure(const std::string& service) const {
  const std::lock_guard lock(m_shared);
  return m_last_failure.erase(service) > 0;
}

void Applier::notify(NotifyEvent event) const {
  const std::lock_guard lock(m_shared);
  m_notifier.notify(std::move(event));
}

void Applier::record(const JournalEntry& entry) const {
  const std::lock_guard lock(m_shared);
  if (Status logged = m_journal.append(entry); !logged) {
    log_error("journal write failed; the change itself was made",
              {{"error", logged.error().message}});
  }
  if (entry.action == "prune") return;
  const char* kind = entry.action == "auto-rollback" ? "rolled-back"
                     : entry.result == "ok"          ? "applied"
                                                     : "error";
  m_notifier.notify(NotifyEvent{kind, entry});
}

void Applier::record_serving(const DesiredService& serving, Context& context) const {
  const std::string& name = serving.service.name;
  if (Status saved =
          write_serving_record(m_layout, name, serving_record_of(serving, context.state_commit));
      !saved) {
    log_warn("cannot record what serves; the next pass checks it again",
             {{"service", name}, {"error", saved.error().describe()}});
  }
  ServiceHistory& history = context.history[name];
  const std::string dir = serving.release.dir_name();
  if (history.last_good_dir != dir) {
    history.previous_good_dir = history.last_good_dir;
    history.last_good_dir = dir;
  }
  // Migrations (#23): an acceptance is for leaving one release; once another serves it is spent.
  if (history.migrations_accepted_from != dir) history.migrations_accepted_from.clear();
}

Status Applier::apply_action(const ServiceAction& action, Context& context) const {
  // One switch strategy a workload kind; a new kind fails to compile here until it has one.
  return std::visit(Overloaded{
                        [&](const ReleaseSpec&) { return apply_release(action, context); },
                        [&](const ContainerSpec&) { return apply_container(action, context); },
                    },
                    context.desired.service.workload);
}

Status Applier::apply_release(const ServiceAction& action, Context& context) const {
  // Before the release is built and its hooks run: its shared links must not dangle.
  const Service& service = context.desired.service;
  if (Status shared = prepare_shared(m_layout, service.name, service.shared); !shared)
    return shared.error().with_context(action.service + ": shared data (spec.shared)");
  if (action.install) {
    VouchedDigest verified;
    if (Status installed = install_release(
            m_layout, m_network, context.desired, context.state_commit, m_secrets, &verified);
        !installed) {
      return installed.error().with_context(action.service + ": install of " +
                                            action.to.short_text() + " failed");
    }
    if (!verified.sha256.empty()) {
      const std::lock_guard lock(m_shared);
      m_vouched.push_back(std::move(verified));
    }
  }
  if (action.switch_current || action.kind == ActionKind::reconfigure)
    return switch_and_verify(action, context);
  // A restart or an in-place repair of what already passed its gate: nothing to go back to.
  const std::string dir = action.to.dir_name();
  const std::optional<Status> restarted =
      m_switches.strategy_for(context.desired)
          .restart(SwitchRequest{context.desired, dir, dir, context.state_commit});
  Status up = restarted ? *restarted : m_runner.bring_up(context.desired, dir);
  if (up) record_serving(context.desired, context);
  return up;
}

void Applier::prune(const PruneAction& prune, const std::string& state_commit) const {
  for (const std::string& dir : prune.dir_names) {
    const fs::path path = m_layout.release_dir(prune.service, dir);
    const fs::path aside = path.parent_path() / (".old-" + dir);
    std::error_code ec;
    // Rename first so a half-deleted dir is never mistaken for a release.
    fs::rename(path, aside, ec);
    if (!ec) fs::remove_all(aside, ec);
    record(JournalEntry{now_rfc3339(),
                        state_commit,
                        prune.service,
                        "prune",
                        JournalRelease{"", "", dir},
                        std::nullopt,
                        ec ? "failed" : "ok",
                        ec ? ec.message() : "",
                        ""});
    log_info("pruned release", {{"service", prune.service}, {"release", dir}});
  }
}

ApplyOutcome Applier::apply_one(const ServiceAction& action,
                                const Desired& desired,
                                const Live& live,
                                const std::string& state_commit,
                                History& history) const {
  const auto live_it = live.find(action.service);
  const LiveService* live_service = live_it == live.end() ? nullptr : &live_it->second;
  const DesiredService& declared = desired.services.at(action.service);
  const bool from_serving = action.spec == SpecSource::serving && live_service != nullptr &&
                            live_service->serving.has_value();
  Context context{declared,
                  from_serving ? as_serving(declared, *live_service->serving) : declared,
                  live_service,
                  state_commit,
                  history,
                  {}};
  const std::string kind = to_string(action.kind);
  const std::string from = text_of(action.from);
  const std::string to = action.to.short_text();
  // A local initializer_list keeps its array for the whole scope: both lines share it.
  const std::initializer_list<LogField> change = {{"service", action.service},
                                                  {"action", kind},
                                                  {"from", from},
                                                  {"to", to},
                                                  {"stateCommit", state_commit}};
  log_info("applying", change);
  const std::string started = now_rfc3339();
  const Status status = apply_action(action, context);
  JournalEntry entry{now_rfc3339(),
                     state_commit,
                     action.service,
                     kind,
                     std::nullopt,
                     journal_release(action.to),
                     status ? "ok" : "failed",
                     status ? "" : status.error().describe(),
                     action.reason,
                     started};
  if (action.from) entry.from = journal_release(*action.from);
  entry.strategy = strategy_of(action, context.desired);
  const bool stopping = !status && status.error().stopping;
  const bool repeat =
      !status && !stopping && context.follow_ups.empty() && repeats_last_failure(entry);
  // The failed switch is journaled before the auto-rollback entry that undid it. A failure
  // that only repeats the last one (a registry still down) is not journaled again.
  if (!repeat && !stopping) record(entry);
  for (JournalEntry follow_up : context.follow_ups) {
    follow_up.time = now_rfc3339();  // journal time order is the order of the lines
    if (follow_up.action == "auto-rollback") follow_up.strategy = entry.strategy;
    record(follow_up);
  }
  if (status) {
    if (forget_failure(action.service))
      log_info("recovered: the action succeeded after failing", {{"service", action.service}});
    log_info("applied", change);
  } else {
    log_event(repeat || stopping ? LogLevel::debug : LogLevel::error,
              repeat ? "apply still failing" : "apply failed",
              {{"service", action.service},
               {"action", kind},
               {"to", to},
               {"stateCommit", state_commit},
               {"error", status.error().describe()}});
  }
  ApplyOutcome outcome{action.service,
                       action.kind,
                       status.ok(),
                       !context.follow_ups.empty(),
                       status ? "" : status.error().describe()};
  outcome.stopping = stopping;
  outcome.strategy = entry.strategy;
  return outcome;
}

std::vector<ApplyOutcome> Applier::apply(const Plan& plan,
                                         const Desired& desired,
                                         const Live& live,
                                         size_t parallel) const {
  auto loaded = m_history.load();
  if (!loaded) {
    log_warn("cannot read the history; starting afresh", {{"error", loaded.error().describe()}});
  }
  History history = loaded ? *loaded : History{};
  for (const std::string& name : plan.lifted_quarantines) {
    log_info("quarantine lifted: the service's declaration changed", {{"service", name}});
    history[name].quarantine.reset();
  }
  // Each action works on its own copy of its service's history (an action touches no other
  // service's). Once it is done the copy goes back into the map and the history is saved, under
  // m_shared: a crash in the middle of a wave loses none of what the finished actions recorded
  // (a quarantine), as when services went one at a time.
  const size_t count = plan.actions.size();
  std::vector<ApplyOutcome> outcomes(count);
  std::vector<History> own(count);
  for (size_t i = 0; i < count; ++i) {
    const std::string& name = plan.actions[i].service;
    if (const auto it = history.find(name); it != history.end()) own[i].insert(*it);
  }
  // What the last save wrote: the save after the removals is skipped when nothing changed
  // since (one action and no removal: the common pass), a write and an fsync fewer.
  std::optional<History> saved;
  run_bounded(count, parallel, [&](size_t i) {
    const ServiceAction& action = plan.actions[i];
    // Not started once the agent is asked to stop: the next start takes it up.
    if (termination_requested()) {
      outcomes[i] = ApplyOutcome{action.service, action.kind, false, false, ""};
      outcomes[i].stopping = true;
      return;
    }
    outcomes[i] = apply_one(action, desired, live, plan.state_commit, own[i]);
    const std::lock_guard lock(m_shared);
    for (const auto& [name, entry] : own[i]) history[name] = entry;
    if (save_history(history))
      saved = history;
    else
      saved.reset();
  });
  for (const ServiceAction& removal : plan.removals) {
    outcomes.push_back(remove(removal, live, plan.state_commit, history));
  }
  fault::point("before-history-save");
  if (!saved || *saved != history) save_history(history);
  // A service whose change failed keeps every release it has: one may be needed to recover.
  for (const PruneAction& p : plan.prunes) {
    const bool failed = std::any_of(outcomes.begin(), outcomes.end(), [&](const ApplyOutcome& o) {
      return o.service == p.service && !o.ok;
    });
    if (!failed) prune(p, plan.state_commit);
  }
  return outcomes;
}

}  // namespace tether
