// The health-gated switch of a binary service to another release or to other settings, and
// what happens when the gate fails: the auto-rollback to what served and the quarantine.
#include "apply/applier.hpp"
#include "apply/applier_context.hpp"
#include "apply/current_link.hpp"
#include "apply/switch_marker.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/serving_record.hpp"

namespace tether {
namespace {

/// How many releases that failed their gate the history remembers (pruned first).
constexpr size_t k_failed_dirs_kept = 16;

/// What an auto-rollback returns to: the spec that last passed its gate here, when its release
/// is still installed and intact and it is not the spec that just failed.
std::optional<DesiredService> previous_of(const LiveService* live,
                                          const DesiredService& declared,
                                          const DesiredService& failed) {
  if (live == nullptr || !live->serving) return std::nullopt;
  const ServingRecord& serving = *live->serving;
  const InstalledRelease* release = live->find(serving.release.dir_name());
  if (release == nullptr || !release->intact) return std::nullopt;
  if (serving.fingerprint == failed.fingerprint) return std::nullopt;
  return as_serving(declared, serving);
}

}  // namespace

void Applier::quarantine(const ServiceAction& action,
                         const std::string& previous_dir,
                         const Error& failure,
                         Context& context) const {
  const std::string& name = action.service;
  const std::string target = action.to.dir_name();
  ServiceHistory& history = context.history[name];
  history.quarantine = Quarantine{target,
                                  action.to.version,
                                  action.to.commit,
                                  context.declared.spec_digest,
                                  failure.message,
                                  now_rfc3339()};
  // A reconfigure failed with the release that still serves: that release is not bad.
  if (target != previous_dir) {
    auto& failed = history.failed_dirs;
    std::erase(failed, target);
    failed.push_back(target);
    if (failed.size() > k_failed_dirs_kept) failed.erase(failed.begin());
  }
  m_notifier.notify(NotifyEvent{"quarantined",
                                JournalEntry{now_rfc3339(),
                                             context.state_commit,
                                             name,
                                             "quarantine",
                                             std::nullopt,
                                             journal_release(action.to),
                                             "ok",
                                             "",
                                             failure.message}});
}

void Applier::roll_back(const ServiceAction& action,
                        const DesiredService& previous,
                        const Error& failure,
                        Context& context) const {
  const std::string& name = action.service;
  const std::string dir = previous.release.dir_name();
  log_warn("auto-rollback",
           {{"service", name},
            {"from", action.to.short_text()},
            {"to", previous.release.short_text()},
            {"reason", failure.message},
            {"stateCommit", context.state_commit}});
  Status back = switch_current(m_layout, name, dir);
  fault::point("mid-rollback");
  if (back) back = m_runner.bring_up(previous, dir);
  if (back) {
    log_info("restored",
             {{"service", name}, {"release", dir}, {"stateCommit", context.state_commit}});
    record_serving(previous, context);
  } else {
    log_error("auto-rollback failed", {{"service", name}, {"error", back.error().describe()}});
  }
  context.follow_ups.push_back(JournalEntry{now_rfc3339(),
                                            context.state_commit,
                                            name,
                                            "auto-rollback",
                                            journal_release(action.to),
                                            journal_release(previous.release),
                                            back ? "ok" : "failed",
                                            back ? "" : back.error().describe(),
                                            failure.message});
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
  // A reconfigure keeps the release dir and needs no marker: its new settings count only once
  // they are the serving record's, which happens after the gate.
  if (Status begun = begin_switch(m_layout, name, leaving, target); !begun) return begun;
  if (Status switched = switch_current(m_layout, name, target); !switched) return switched;
  log_info("switched", {{"service", name}, {"to", target}, {"stateCommit", context.state_commit}});
  fault::point("before-restart");
  Status healthy = m_runner.bring_up(context.desired, target);
  fault::point("after-restart");
  if (healthy) healthy = m_hooks.run("postSwitch", hooks.post_switch, hooks.timeout, hook_context);
  if (healthy) {
    end_switch(m_layout, name);
    record_serving(context.desired, context);
    return healthy;
  }
  // Stopping mid-gate is a crash-safe stop: the marker stays and the next start undoes the
  // switch and tries again; nothing is judged.
  if (healthy.error().stopping) return healthy;
  const Error& failure = healthy.error();
  const std::optional<DesiredService> previous =
      action.spec == SpecSource::declared
          ? previous_of(context.live, context.declared, context.desired)
          : std::nullopt;
  if (!previous) {
    end_switch(m_layout, name);
    // Nothing to go back to (or this was what served): no quarantine, which would leave the
    // service down for good; the next passes retry, spaced out by the backoff.
    return Error{failure.message + "; no previous release to go back to", failure.hint};
  }
  quarantine(action, previous->release.dir_name(), failure, context);
  roll_back(action, *previous, failure, context);
  end_switch(m_layout, name);
  const std::string what =
      action.kind == ActionKind::reconfigure ? "the new settings of " + target : target;
  return Error{failure.message + "; rolled back to " + previous->release.dir_name() +
                   " and quarantined " + what,
               failure.hint};
}

}  // namespace tether
