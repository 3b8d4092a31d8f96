#include "agent/quiet_poll.hpp"

#include "agent/reconciler.hpp"
#include "core/log.hpp"
#include "live/probed_paths.hpp"

#include <algorithm>

namespace tether {
namespace {

bool has_containers(const PassResult& result) {
  const auto container = [](const auto& entry) {
    return std::holds_alternative<ContainerSpec>(entry.second.service.workload);
  };
  const auto& services = result.desired->services;
  return std::any_of(services.begin(), services.end(), container) ||
         std::any_of(result.live_after.begin(), result.live_after.end(), [](const auto& entry) {
           return entry.second.container.has_value();
         });
}

}  // namespace

const char* why_probe(const QuietPollFacts& facts) {
  if (!facts.scheduled) return "asked for, or woken by the health watch";
  if (!facts.last_pass_quiet) return "the last pass did not leave every service quiet";
  if (!facts.same_desired) return "a new desired state";
  if (!facts.watched_before_probe) return "not everything the last probe read was watched";
  if (facts.live_changed) return "a file under the root changed";
  if (!facts.processes_unchanged) return "a process exited (or is not watched)";
  if (facts.unhealthy) return "the health watch holds a service unhealthy";
  if (facts.containers) return "container services are probed through their runtime";
  if (facts.hold_ended) return "a hold on this host ran out";
  if (facts.recovery_due) return "a degraded service may have recovered";
  if (facts.full_pass_due) return "the periodic full pass";
  return nullptr;
}

bool pass_was_quiet(const PassResult& result) {
  const bool all_converged = std::all_of(result.converged.begin(),
                                         result.converged.end(),
                                         [](const auto& entry) { return entry.second; });
  // A held step (plan.suspended), a removal included, is a host unlike its repo: not quiet.
  return result.desired && !result.stopping && all_converged && result.plan.empty() &&
         result.plan.suspended.empty() && result.plan.delayed.empty() &&
         result.plan.blocked.empty() && result.plan.quarantined.empty() && result.blocked.empty() &&
         result.errors.empty() && result.failing.empty() && result.unhealthy.empty() &&
         result.applied.empty() && result.rollbacks == 0 &&
         // A wave that waits comes due with time alone, which no watch sees.
         std::none_of(result.waves.begin(), result.waves.end(), [](const auto& entry) {
           return entry.second.status.wait != WaveWait::none;
         });
}

QuietPoll::QuietPoll(const Clock& clock) : m_clock(clock) {}

QuietPoll::~QuietPoll() = default;

bool QuietPoll::reuse(PassTrigger trigger,
                      const Desired& desired,
                      bool unhealthy,
                      bool hold_ended,
                      bool recovery_due,
                      const ProbeCache& cache,
                      PassResult& result) {
  // Drained first and whatever follows: an event queued after this read is the next pass's.
  const LiveChanges changes = m_watch.changed();
  const std::optional<std::set<std::string>> exited = cache.exited_services();
  QuietPollFacts facts;
  facts.scheduled = trigger == PassTrigger::schedule;
  facts.last_pass_quiet = m_quiet != nullptr;
  facts.same_desired = desired.state_commit == m_quiet_commit;
  facts.watched_before_probe = m_watched_before_probe;
  facts.live_changed = changes.any;
  facts.processes_unchanged = exited && exited->empty();
  facts.unhealthy = unhealthy;
  facts.containers = m_containers;
  facts.hold_ended = hold_ended;
  facts.recovery_due = recovery_due;
  facts.full_pass_due = m_clock.now() - m_full_pass_at >= k_full_pass_every;
  m_reprobe.reset();
  // The holds, history and recovery timers a pass reads besides the probe are read again by
  // every pass that probes, so they do not stand in the way of probing some services only.
  if (facts.scheduled && m_have_last_live && m_watch_complete && !changes.host && exited &&
      !unhealthy && !m_containers && !facts.full_pass_due) {
    m_reprobe = changes.services;
    m_reprobe->insert(exited->begin(), exited->end());
    m_reprobe->insert(m_added_services.begin(), m_added_services.end());
  }
  if (const char* why = why_probe(facts)) {
    log_debug("probing the host", {{"why", why}});
    return false;
  }
  // The fetch's side (outcome, problem, tip) is this pass's own; the services' side is the last
  // pass's, which the displays show already: its per-service maps are not copied, a copy and a
  // free per service on every poll. A quiet pass's outcome is its fetch's: every service was
  // converged.
  PassResult reused;
  reused.outcome = result.outcome;
  reused.problem = std::move(result.problem);
  reused.state_commit = m_quiet->state_commit;
  reused.tip_commit = std::move(result.tip_commit);
  reused.plan = m_quiet->plan;
  reused.stopping = result.stopping;
  reused.work = result.work;
  reused.work.reused_last_pass = true;
  result = std::move(reused);
  return true;
}

void QuietPoll::remember(const PassResult& result,
                         const Layout& layout,
                         ProbeCache& cache,
                         const std::set<std::string>* probed) {
  // A pass that stood on the last probe for some services is no full pass: the periodic one,
  // the backstop for what inotify cannot see, stays due when it was.
  if (probed == nullptr) m_full_pass_at = m_clock.now();
  const LiveWatch::Update update =
      probed == nullptr ? m_watch.watch(probed_paths(layout, result.live_after, cache))
                        : m_watch.watch_services(
                              probed_paths_of(layout, result.live_after, cache, *probed), *probed);
  // Paths added now were not watched when the pass probed them: a change in between is in
  // no queue, so the next pass probes them once more (with everything watched by then).
  m_watched_before_probe = update.complete && !update.added;
  m_watch_complete = update.complete && !update.added_host;
  m_added_services = update.added_services;
  if (probed != nullptr && m_have_last_live) {
    // The pass's live state is the last one with the services in `probed` probed again
    // (Reconciler::pass): only those are copied, not every service's releases and records.
    for (const std::string& name : *probed) {
      const auto it = result.live_after.find(name);
      if (it == result.live_after.end())
        m_last_live.erase(name);
      else
        m_last_live.insert_or_assign(name, it->second);
    }
    if (m_last_live.size() != result.live_after.size()) m_last_live = result.live_after;
  } else {
    m_last_live = result.live_after;
  }
  m_reprobe.reset();  // after its last use: `probed` may be it
  m_have_last_live = true;
  m_containers = has_containers(result);
  if (update.limited && !m_warned) {
    m_warned = true;
    log_warn(
        "cannot watch every file the live probe reads (inotify); every poll probes the "
        "whole host",
        {{"hint", "raise fs.inotify.max_user_watches"}});
  }
  if (!pass_was_quiet(result)) {
    m_quiet.reset();
    return;
  }
  m_quiet_commit = result.desired->state_commit;
  // Only what a pass that reuses this one carries (reuse()): the rest is shown as this pass
  // left it (AgentPasses, PassDisplays, Metrics::record_repeat).
  auto kept = std::make_unique<PassResult>();
  kept->state_commit = result.state_commit;
  kept->plan = result.plan;
  m_quiet = std::move(kept);
}

}  // namespace tether
