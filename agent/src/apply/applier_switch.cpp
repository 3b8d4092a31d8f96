// The health-gated switch of a binary service to another release or to other settings: the
// hooks around the service's SwitchStrategy (switch_strategies.cpp), and what it goes back to
// when the gate fails (applier_rollback.cpp handles that failure).
#include "apply/applier.hpp"
#include "apply/applier_context.hpp"
#include "apply/migration_step.hpp"
#include "apply/switch_marker.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/serving_record.hpp"

namespace tether {
namespace {

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

Status Applier::switch_and_verify(const ServiceAction& action, Context& context) const {
  const std::string& name = action.service;
  const std::string target = action.to.dir_name();
  const Hooks& hooks = context.desired.service.hooks;
  const HookContext hook_context{name, action.from, action.to, context.state_commit};
  if (Status possible = check_bake_possible(context); !possible) return possible;
  // A failing preSwitch aborts before anything live changes.
  if (Status pre = m_hooks.run("preSwitch", hooks.pre_switch, hooks.timeout, hook_context); !pre)
    return pre;
  const std::string leaving = context.live ? context.live->current_dir.value_or("") : "";
  // How the new release takes over (and what the crash-safe marker covers) is the strategy's.
  const SwitchStrategy& strategy = m_switches.strategy_for(context.desired);
  const SwitchResult switched =
      strategy.switch_to(SwitchRequest{context.desired, leaving, target, context.state_commit});
  if (switched.stage == SwitchStage::aborted) return switched.status;
  Status healthy = switched.status;
  if (healthy) healthy = m_hooks.run("postSwitch", hooks.post_switch, hooks.timeout, hook_context);
  // The bake is part of the gate: the switch counts (marker ended, serving record written)
  // only once spec.analysis held; a breach falls back like a failed health check below.
  if (healthy) healthy = bake(action, context);
  // Migrations (#23): recorded after every switch, healthy or not.
  const std::string migrated = record_migrations(m_layout, m_hooks, context.desired, hook_context);
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
  if (Status held = hold_auto_rollback(action, failure, *previous, migrated, context); !held) {
    end_switch(m_layout, name);
    return held;
  }
  const Fallback fallback{previous->release.dir_name(),
                          previous->release,
                          previous->release.short_text(),
                          previous->release.dir_name(),
                          target,
                          [&] { return restore_release(strategy, *previous, target, context); }};
  Status failed = fall_back(action, failure, fallback, context);
  end_switch(m_layout, name);
  return failed;
}

}  // namespace tether
