// What happens when a switch fails its health gate, whatever was switched (a binary release or
// a container): the quarantine of what failed, the auto-rollback to what served, and how both
// are logged, journaled and notified. Switch strategies only say what they go back to.
#include "apply/applier.hpp"
#include "apply/applier_context.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

namespace tether {
namespace {

/// How many releases that failed their gate the history remembers (pruned first).
constexpr size_t k_failed_dirs_kept = 16;

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
  notify(NotifyEvent{"quarantined",
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

Status Applier::restore_release(const SwitchStrategy& strategy,
                                const DesiredService& previous,
                                const std::string& failed_dir,
                                Context& context) const {
  const std::string& service = previous.service.name;
  const std::string dir = previous.release.dir_name();
  const Status back =
      strategy.switch_back(SwitchRequest{previous, failed_dir, dir, context.state_commit});
  if (back) {
    log_info("restored",
             {{"service", service}, {"release", dir}, {"stateCommit", context.state_commit}});
    record_serving(previous, context);
  }
  return back;
}

Status Applier::fall_back(const ServiceAction& action,
                          const Error& failure,
                          const Fallback& fallback,
                          Context& context) const {
  const std::string& name = action.service;
  // Stopping mid-gate: what served is started again, but nothing is judged.
  if (!failure.stopping) quarantine(action, fallback.previous_dir, failure, context);
  log_warn("auto-rollback",
           {{"service", name},
            {"from", action.to.short_text()},
            {"to", fallback.previous_text},
            {"reason", failure.message},
            {"stateCommit", context.state_commit}});
  const Status back = fallback.restore();
  if (!back) {
    log_error("auto-rollback failed", {{"service", name}, {"error", back.error().describe()}});
  }
  // Journaled after the action's own entry, which says what failed.
  context.follow_ups.push_back(JournalEntry{now_rfc3339(),
                                            context.state_commit,
                                            name,
                                            "auto-rollback",
                                            journal_release(action.to),
                                            journal_release(fallback.previous),
                                            back ? "ok" : "failed",
                                            back ? "" : back.error().describe(),
                                            failure.message});
  if (failure.stopping) return failure;
  const std::string what = action.kind == ActionKind::reconfigure
                               ? "the new settings of " + fallback.failed_name
                               : fallback.failed_name;
  return Error{
      failure.message + "; rolled back to " + fallback.previous_name + " and quarantined " + what,
      failure.hint};
}

}  // namespace tether
