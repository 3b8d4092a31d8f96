#pragma once

#include "apply/age_decryptor.hpp"
#include "apply/history_store.hpp"
#include "apply/hook_runner.hpp"
#include "apply/journal.hpp"
#include "apply/notifier.hpp"
#include "apply/service_runner.hpp"
#include "apply/switch_strategy.hpp"
#include "core/layout.hpp"
#include "live/hash_cache.hpp"
#include "model/desired.hpp"
#include "model/history.hpp"
#include "model/live.hpp"
#include "model/network_limits.hpp"
#include "model/plan.hpp"

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace tether {

class BakeRunner;
class ContainerSwitcher;
struct ContainerSwitchResult;
enum class ContainerSwitchMode;

struct ApplyOutcome {
  std::string service;
  ActionKind kind = ActionKind::install;
  bool ok = false;
  bool rolled_back = false;  ///< an automatic rollback restored the previous release
  std::string error;
  /// The action gave up because the agent is stopping: neither a success nor a failure of the
  /// service (no backoff, no quarantine); the next agent start takes up from there.
  bool stopping = false;
  /// The switch strategy the action went through (`strategy_name`), "" when it switched
  /// nothing: a restart, a removal, a container.
  std::string strategy = {};
};

/// Carries out a Plan on the host: install, switch, reconfigure, restart, bring up behind the
/// health gate, remove what is no longer declared, journal, prune. Each service is handled on
/// its own: one failing service does not stop the others. A failure before the switch changes
/// nothing live. A new release or new settings that do not come up healthy are switched away
/// from at once (auto-rollback to what served, as its serving record says) and quarantined so
/// later passes do not retry them. Every spec that passes its gate becomes the service's
/// serving record. A failure that repeats the service's previous one is logged at debug level
/// and neither journaled nor notified again; the first success after failures says
/// "recovered".
///
/// The actions of one apply() call run at once, on up to `parallel` threads: the caller passes
/// only actions that do not depend on each other (one wave, plan/apply_waves.hpp). What the
/// threads share is made safe here: each action works on its own copy of its service's
/// history, and the history (merged and saved after each action), journal lines,
/// notifications and the memory of last failures go through one mutex. Everything below an action
/// (install, switch strategy, runner, gate, hooks) touches only that service's files and processes,
/// and the collaborators passed in must allow calls from several threads (the real ones hold no
/// state between calls; the prober and clock are read-only or stateless).
class Applier {
 public:
  Applier(Layout layout,
          const ServiceRunner& runner,
          const HookRunner& hooks,
          const SwitchStrategies& switches,
          Journal journal,
          HistoryStore history,
          Notifier& notifier,
          const ContainerSwitcher* containers = nullptr,
          NetworkLimits network = {},
          SecretSettings secrets = {},
          const BakeRunner* bakes = nullptr)
      : m_layout(std::move(layout)),
        m_runner(runner),
        m_hooks(hooks),
        m_switches(switches),
        m_journal(std::move(journal)),
        m_history(std::move(history)),
        m_notifier(notifier),
        m_containers(containers),
        m_network(network),
        m_secrets(std::move(secrets)),
        m_bakes(bakes) {}

  /// Carries out `plan`: its actions at once on up to `parallel` threads (none may depend on
  /// another), then its removals, the history, its prunes. The outcomes are in the order of
  /// `plan.actions` then `plan.removals`, whatever order the actions finished in. An action not
  /// started before the agent was asked to stop comes back `stopping`.
  [[nodiscard]] std::vector<ApplyOutcome> apply(const Plan& plan,
                                                const Desired& desired,
                                                const Live& live,
                                                size_t parallel = 1) const;
  /// The binaries the installs since the last call verified, with their digests: the probe
  /// after the apply takes them (HashCache::vouch) instead of reading them once more.
  [[nodiscard]] std::vector<VouchedDigest> take_vouched() const;

 private:
  struct Context;
  /// Carries out one action and journals it (plus any auto-rollback that followed).
  [[nodiscard]] ApplyOutcome apply_one(const ServiceAction& action,
                                       const Desired& desired,
                                       const Live& live,
                                       const std::string& state_commit,
                                       History& history) const;
  /// Hands the action to the switch strategy of the service's workload kind (a binary release,
  /// a container).
  [[nodiscard]] Status apply_action(const ServiceAction& action, Context& context) const;
  /// A binary release: install, then the gated switch, or a restart in place.
  [[nodiscard]] Status apply_release(const ServiceAction& action, Context& context) const;
  /// applier_switch.cpp: a switch to another release or to other settings, behind the gate,
  /// with the auto-rollback to the serving spec and the quarantine of what failed. The hooks
  /// and the fall-back are here; how the new release takes over is the service's
  /// SwitchStrategy's.
  [[nodiscard]] Status switch_and_verify(const ServiceAction& action, Context& context) const;
  /// applier_bake.cpp: after the gate passed, spec.analysis' bake (ok when the service has
  /// none); its error is a failed gate.
  [[nodiscard]] Status bake(const ServiceAction& action, const Context& context) const;
  /// applier_bake.cpp: an error before anything changes when the service has spec.analysis and
  /// the agent has no Prometheus to ask.
  [[nodiscard]] Status check_bake_possible(const Context& context) const;
  struct Fallback;
  /// applier_rollback.cpp: the one handling of a switch that failed its gate, whatever was
  /// switched: quarantine (unless the agent is stopping), the auto-rollback through
  /// `fallback.restore`, its log lines and journal entry; returns the action's error.
  [[nodiscard]] Status fall_back(const ServiceAction& action,
                                 const Error& failure,
                                 const Fallback& fallback,
                                 Context& context) const;
  void quarantine(const ServiceAction& action,
                  const std::string& previous_dir,
                  const Error& failure,
                  Context& context) const;
  /// Switches a binary service back to `previous` from `failed_dir` through `strategy` (the
  /// one that switched away from it) and records it as serving (the restore of a Fallback).
  [[nodiscard]] Status restore_release(const SwitchStrategy& strategy,
                                       const DesiredService& previous,
                                       const std::string& failed_dir,
                                       Context& context) const;
  /// The spec that passed its gate: the service's serving record and last good release.
  void record_serving(const DesiredService& serving, Context& context) const;
  // Migrations (#23).
  /// applier_migrations.cpp: ok when the auto-rollback of `action` to `previous` may go ahead
  /// (journaled loudly first when it crosses migrations); an Error when `onRollback: refuse`
  /// holds it: what failed is quarantined and stays in `current`, the old release is not
  /// started, and the auto-rollback is journaled with result `held`.
  [[nodiscard]] Status hold_auto_rollback(const ServiceAction& action,
                                          const Error& failure,
                                          const DesiredService& previous,
                                          const std::string& migrated,
                                          Context& context) const;
  /// applier_container.cpp: a container service's action, with the same gate, auto-rollback,
  /// quarantine and journal as a binary release, through the container runtime.
  [[nodiscard]] Status apply_container(const ServiceAction& action, Context& context) const;
  /// The container switch of the service's strategy: in place (ContainerSwitcher) or
  /// blue-green behind its proxy (container_blue_green.hpp).
  [[nodiscard]] ContainerSwitchResult switch_container(const Context& context,
                                                       ContainerSwitchMode mode) const;
  /// applier_removal.cpp: stop what is no longer declared, remove `current`, journal it.
  [[nodiscard]] ApplyOutcome remove(const ServiceAction& action,
                                    const Live& live,
                                    const std::string& state_commit,
                                    History& history) const;
  /// Journals `entry` and notifies it (under m_shared).
  void record(const JournalEntry& entry) const;
  /// Notifies `event` (under m_shared).
  void notify(NotifyEvent event) const;
  /// Whether `entry` (a failed action) repeats the service's last failure (and remembers it).
  [[nodiscard]] bool repeats_last_failure(const JournalEntry& entry) const;
  /// Saves `history` (a failure is logged: the next pass works from what was saved before);
  /// false when it could not.
  bool save_history(const History& history) const;
  /// Forgets the service's last failure; true when there was one.
  bool forget_failure(const std::string& service) const;
  void prune(const PruneAction& prune, const std::string& state_commit) const;

  Layout m_layout;
  const ServiceRunner& m_runner;
  const HookRunner& m_hooks;
  const SwitchStrategies& m_switches;
  Journal m_journal;
  HistoryStore m_history;
  Notifier& m_notifier;
  const ContainerSwitcher* m_containers;  ///< nullptr: container services fail with a hint
  NetworkLimits m_network;                ///< for artifact downloads
  SecretSettings m_secrets;               ///< secrets (#23): decrypts `encryption: age` configs
  /// spec.analysis: the bake after a switch (nullptr: no Prometheus configured; a service
  /// with spec.analysis is then not switched).
  const BakeRunner* m_bakes;
  /// service -> the failure journaled last (action, target, error), until an action succeeds.
  mutable std::map<std::string, std::string> m_last_failure;
  /// What the installs verified, until take_vouched().
  mutable std::vector<VouchedDigest> m_vouched;
  /// Serializes what the actions of one apply() share: the journal file, the notifier (a test's
  /// may not be thread-safe), m_last_failure and m_vouched.
  mutable std::mutex m_shared;
};

}  // namespace tether
