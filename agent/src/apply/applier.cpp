#include "apply/applier.hpp"

#include "apply/current_link.hpp"
#include "apply/release_installer.hpp"
#include "apply/switch_marker.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/release_record.hpp"

#include <algorithm>

namespace tether {
namespace {

JournalRelease journal_release(const ReleaseId& id) {
  return JournalRelease{id.version, id.commit, id.dir_name()};
}

std::string text_of(const std::optional<ReleaseId>& id) { return id ? id->short_text() : "-"; }

}  // namespace

/// What one action works with.
struct Applier::Context {
  const DesiredService& desired;
  const LiveService* live;
  const std::string& state_commit;
  History& history;
  std::vector<JournalEntry> follow_ups;  ///< journaled after the action's own entry
};

Applier::Applier(Layout layout,
                 const ServiceRunner& runner,
                 const HookRunner& hooks,
                 Journal journal,
                 HistoryStore history,
                 Notifier& notifier,
                 const ContainerSwitcher* containers)
    : m_layout(std::move(layout)),
      m_runner(runner),
      m_hooks(hooks),
      m_journal(std::move(journal)),
      m_history(std::move(history)),
      m_notifier(notifier),
      m_containers(containers) {}

void Applier::record(const JournalEntry& entry) const {
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

void Applier::roll_back(const ServiceAction& action,
                        const std::string& previous,
                        const Error& failure,
                        Context& context) const {
  const std::string& name = action.service;
  log_warn("auto-rollback",
           {{"service", name},
            {"from", action.to.short_text()},
            {"to", previous},
            {"reason", failure.message},
            {"stateCommit", context.state_commit}});
  // The previous release runs the way it was declared when it was installed: the new
  // declaration's command line may not suit the old binary.
  DesiredService as_installed = context.desired;
  if (auto record = read_release_record(m_layout.release_dir(name, previous));
      record && record->run) {
    as_installed.service.run = record->run;
    as_installed.service.health = record->health;
  }
  Status back = switch_current(m_layout, name, previous);
  fault::point("mid-rollback");
  if (back) back = m_runner.bring_up(as_installed, previous);
  if (back)
    log_info("restored",
             {{"service", name}, {"release", previous}, {"stateCommit", context.state_commit}});
  JournalEntry entry{now_rfc3339(),
                     context.state_commit,
                     name,
                     "auto-rollback",
                     journal_release(action.to),
                     std::nullopt,
                     back ? "ok" : "failed",
                     back ? "" : back.error().describe(),
                     failure.message};
  if (const InstalledRelease* release = context.live->find(previous))
    entry.to = journal_release(release->id);
  context.follow_ups.push_back(entry);
  if (!back)
    log_error("auto-rollback failed", {{"service", name}, {"error", back.error().describe()}});
}

Status Applier::switch_and_verify(const ServiceAction& action, Context& context) const {
  const std::string& name = action.service;
  const std::string target = action.to.dir_name();
  const Hooks& hooks = context.desired.service.hooks;
  const HookContext hook_context{name, action.from, action.to, context.state_commit};
  // A failing preSwitch aborts before anything live changes.
  if (Status pre = m_hooks.run("preSwitch", hooks.pre_switch, hooks.timeout, hook_context); !pre)
    return pre;
  // Stop before switching: if the agent dies in between, the next pass sees `current` on the
  // new release with nothing running and starts it.
  if (Status stopped = m_runner.stop(context.desired); !stopped) return stopped;
  fault::point("after-stop");
  const std::string leaving = context.live ? context.live->current_dir.value_or("") : "";
  if (Status begun = begin_switch(m_layout, name, leaving, target); !begun) return begun;
  if (Status switched = switch_current(m_layout, name, target); !switched) return switched;
  log_info("switched", {{"service", name}, {"to", target}, {"stateCommit", context.state_commit}});
  fault::point("before-restart");
  Status healthy = m_runner.bring_up(context.desired, target);
  fault::point("after-restart");
  if (healthy) healthy = m_hooks.run("postSwitch", hooks.post_switch, hooks.timeout, hook_context);
  if (healthy) {
    end_switch(m_layout, name);
    return healthy;
  }

  const std::optional<std::string> previous =
      context.live != nullptr ? context.live->current_dir : std::nullopt;
  const InstalledRelease* previous_release = previous ? context.live->find(*previous) : nullptr;
  if (previous_release == nullptr || !previous_release->intact) {
    end_switch(m_layout, name);
    // Nothing to go back to: no quarantine (it would leave the service down for good); the
    // next passes restart it, spaced out by the restart backoff.
    return Error{healthy.error().message + "; no previous release to go back to",
                 healthy.error().hint};
  }
  context.history[name].quarantine = Quarantine{target,
                                                action.to.version,
                                                action.to.commit,
                                                context.desired.spec_digest,
                                                healthy.error().message,
                                                now_rfc3339()};
  m_notifier.notify(NotifyEvent{"quarantined",
                                JournalEntry{now_rfc3339(),
                                             context.state_commit,
                                             name,
                                             "quarantine",
                                             std::nullopt,
                                             journal_release(action.to),
                                             "ok",
                                             "",
                                             healthy.error().message}});
  roll_back(action, *previous, healthy.error(), context);
  end_switch(m_layout, name);
  return Error{
      healthy.error().message + "; rolled back to " + *previous + " and quarantined " + target,
      healthy.error().hint};
}

Status Applier::apply_action(const ServiceAction& action, Context& context) const {
  if (context.desired.service.container() != nullptr) {
    return apply_container(
        action, context.desired, context.state_commit, context.history, context.follow_ups);
  }
  if (action.install) {
    if (Status installed = install_release(m_layout, context.desired, context.state_commit);
        !installed) {
      return installed.error().with_context(action.service + ": install of " +
                                            action.to.short_text() + " failed");
    }
  }
  if (action.switch_current) return switch_and_verify(action, context);
  return m_runner.bring_up(context.desired, action.to.dir_name());
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
  Context context{desired.services.at(action.service),
                  live_it == live.end() ? nullptr : &live_it->second,
                  state_commit,
                  history,
                  {}};
  const std::string kind = to_string(action.kind);
  log_info("applying",
           {{"service", action.service},
            {"action", kind},
            {"from", text_of(action.from)},
            {"to", action.to.short_text()},
            {"stateCommit", state_commit}});
  const Status status = apply_action(action, context);
  JournalEntry entry{now_rfc3339(),
                     state_commit,
                     action.service,
                     kind,
                     std::nullopt,
                     journal_release(action.to),
                     status ? "ok" : "failed",
                     status ? "" : status.error().describe(),
                     action.reason};
  if (action.from) entry.from = journal_release(*action.from);
  // The failed switch is journaled before the auto-rollback entry that undid it.
  record(entry);
  for (JournalEntry follow_up : context.follow_ups) {
    follow_up.time = now_rfc3339();  // journal time order is the order of the lines
    record(follow_up);
  }
  if (status) {
    history[action.service].last_good_dir = action.to.dir_name();
    log_info("applied",
             {{"service", action.service},
              {"action", kind},
              {"from", text_of(action.from)},
              {"to", action.to.short_text()},
              {"stateCommit", state_commit}});
  } else {
    log_error("apply failed",
              {{"service", action.service},
               {"action", kind},
               {"to", action.to.short_text()},
               {"stateCommit", state_commit},
               {"error", status.error().describe()}});
  }
  return ApplyOutcome{action.service,
                      action.kind,
                      status.ok(),
                      !context.follow_ups.empty(),
                      status ? "" : status.error().describe()};
}

std::vector<ApplyOutcome> Applier::apply(const Plan& plan,
                                         const Desired& desired,
                                         const Live& live) const {
  auto loaded = m_history.load();
  if (!loaded) {
    log_warn("cannot read the history; starting afresh", {{"error", loaded.error().describe()}});
  }
  History history = loaded ? *loaded : History{};
  for (const std::string& name : plan.lifted_quarantines) {
    log_info("quarantine lifted: the service's declaration changed", {{"service", name}});
    history[name].quarantine.reset();
  }
  std::vector<ApplyOutcome> outcomes;
  for (const ServiceAction& action : plan.actions) {
    outcomes.push_back(apply_one(action, desired, live, plan.state_commit, history));
  }
  fault::point("before-history-save");
  if (Status saved = m_history.save(history); !saved) {
    log_error("cannot save the history (quarantines may be retried)",
              {{"error", saved.error().describe()}});
  }
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
