#pragma once

#include "agent/flap_damper.hpp"
#include "agent/quiet_poll.hpp"
#include "analysis/fleet_judge.hpp"
#include "apply/applier.hpp"
#include "container/container_engine.hpp"
#include "core/layout.hpp"
#include "health/health_watch.hpp"
#include "live/hash_cache.hpp"
#include "live/probe_cache.hpp"
#include "manifest/manifest_cache.hpp"
#include "manifest/state_loader.hpp"
#include "model/desired.hpp"
#include "model/plan.hpp"
#include "model/rollout.hpp"
#include "model/switch_outcome.hpp"
#include "plan/rollout_gate.hpp"
#include "source/state_source.hpp"
#include "trust/commit_gate.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

namespace tether {

enum class ApplyMode { apply, dry_run };

/// Why a pass runs.
enum class PassTrigger {
  schedule,        ///< the poll interval came round (or the first pass)
  operator_asked,  ///< SIGHUP or POST /sync: try everything now, backoffs included
  health_changed,  ///< the health watch saw a service turn unhealthy or healthy again
};

/// How one pass ended; also the exit status of `run --once`.
enum class PassOutcome {
  converged = 0,    ///< nothing to do, or everything applied
  failed = 1,       ///< at least one service could not be converged
  refused = 3,      ///< the state commit is invalid; the last good one was kept
  unreachable = 4,  ///< the state repo could not be read
};

[[nodiscard]] const char* to_string(PassOutcome outcome);

/// What one pass cost: how often it went to the Git server and to the disk.
struct PassWork {
  long long polls = 0;            ///< remote tip lookups (cheap)
  long long downloads = 0;        ///< fetches that transferred objects
  bool manifests_loaded = false;  ///< the state commit was parsed (the tip moved)
  size_t files_hashed = 0;        ///< release files read to compute a digest (cache misses)
  /// Nothing could have changed since the last pass (agent/quiet_poll): this one probed
  /// nothing, its services' side is that pass's and its live_after is left empty (what is
  /// live is shown as that pass left it).
  bool reused_last_pass = false;
  /// Its probe looked at every service (not only those changed since the last pass).
  bool probed_all = false;
};

struct PassResult {
  PassOutcome outcome = PassOutcome::converged;
  std::string problem;       ///< why the pass was refused or unreachable ("" otherwise)
  std::string state_commit;  ///< the commit the pass converged towards (the applied one)
  /// The tracked branch's tip as this pass fetched it; "" when the repo could not be reached.
  /// It differs from state_commit while the tip is refused.
  std::string tip_commit;
  /// What the pass converged towards; nullopt when there was nothing to converge to, and in a
  /// pass that reused the last one (work.reused_last_pass: the last pass's, not copied again;
  /// so are the per-service maps and live_after, left empty in such a pass).
  std::optional<Desired> desired;
  Plan plan;
  int rollbacks = 0;                          ///< automatic rollbacks during the pass
  std::vector<SwitchCount> switches = {};     ///< switches through a strategy, as they ended
  std::map<std::string, bool> converged;      ///< per desired service, after the pass
  std::map<std::string, std::string> errors;  ///< per service that failed to converge
  /// Per service whose change failed in an earlier pass and is not healthy since (same
  /// declaration, nothing succeeded after): its dependents wait.
  std::map<std::string, std::string> failing;
  /// Actions that waited for a dependency: blocked when planned, or in the pass because the
  /// dependency's own action failed or waited.
  std::vector<BlockedService> blocked;
  /// Per service the health watch held unhealthy at the start of the pass and that no action
  /// of the pass brought up healthy -> why.
  std::map<std::string, std::string> unhealthy;
  /// Services whose action succeeded in this pass (it passed its gate, or was removed).
  std::set<std::string> applied;
  /// The agent was asked to stop (SIGTERM) during the pass: what was left undone is taken up
  /// by the next start.
  bool stopping = false;
  /// Per desired service after the pass: it runs and nothing says it is unwell (no failure,
  /// no unhealthy verdict, no action waiting).
  std::map<std::string, bool> healthy;
  std::vector<Recovery> recoveries;                 ///< degraded services healthy again
  std::map<std::string, std::string> recovered_at;  ///< per service: its last recovery (RFC 3339)
  Suspensions suspended;                            ///< the holds in force during the pass
  Live live_after;                                  ///< what is live once the pass is done
  PassWork work;
  /// Per service rolling out in waves (`spec.rollout.steps`): this host's wave and why it
  /// waits (plan/rollout_gate.hpp). A waiting wave keeps the pass from being quiet.
  std::map<std::string, ServiceWave> waves;
};

/// What a Reconciler is tuned with beyond its collaborators.
struct ReconcilerOptions {
  DampingSettings damping;
  /// Where blocked, delayed and recovered events are pushed besides the journal (nullptr: none).
  Notifier* notifier = nullptr;
  /// The daemon's continuous health watch (nullptr: none, as in `run --once`): paused while a
  /// pass applies, given what to probe after it; its verdicts feed the plan.
  HealthWatch* health_watch = nullptr;
  /// How many services of one dependency wave are converged at once (agent.yaml
  /// `apply.parallel`); 1 converges one service at a time.
  size_t apply_parallel = 1;
  /// The fleet analysis of rollouts in waves (nullptr: the agent has no Prometheus; a rollout
  /// that declares fleet queries then holds its later waves: an analysis that cannot be made
  /// never passes).
  const FleetJudge* fleet = nullptr;
  /// The wall clock that waves are timed with (they count from a commit's time); the system
  /// clock unless a test hands in another.
  std::function<std::chrono::sys_seconds()> wall_clock = [] {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  };
};

/// One reconcile pass: fetch, admit (history and signatures), load, probe, plan, apply. Keeps the
/// last valid desired state in memory (and its commit under state/) so that a bad or unreachable
/// commit never leaves the host without a target: drift is still repaired against the last good
/// state.
class Reconciler {
 public:
  Reconciler(Layout layout,
             HostIdentity host,
             StateSource& source,
             const CommitGate& gate,
             const Applier& applier,
             const Clock& clock,
             const ContainerEngines* containers = nullptr,
             ReconcilerOptions options = {});

  [[nodiscard]] PassResult run_once(ApplyMode mode, PassTrigger trigger = PassTrigger::schedule);

 private:
  /// run_once without the accounting of what it cost.
  [[nodiscard]] PassResult pass(ApplyMode mode, PassTrigger trigger);
  /// The desired state to converge to (m_last_good, once admitted), or nullptr (with `result`
  /// set) when there is none.
  const Desired* desired_state(ApplyMode mode, PassResult& result);
  [[nodiscard]] const Desired* last_good() const { return m_last_good ? &*m_last_good : nullptr; }
  std::optional<Desired> load_commit(const std::string& commit, std::string& problem);
  /// `desired` with the services whose wave waits held back (m_gated), and the waves in
  /// `result`; `desired` itself when no service rolls out in waves.
  const Desired* gate(const Desired& desired, PassResult& result);
  /// A rollout the fleet analysis halted, on a host that already runs its release: the
  /// release is quarantined, the auto-rollback journaled, and the pass converges the service
  /// to the previous good release (m_gated). Returns the desired state to plan with.
  const Desired* roll_back_halted(const Desired* desired, const Live& live, PassResult& result);
  /// After a pass: what each service runs (m_serving), for the next gate().
  void remember_serving(const PassResult& result);
  /// Loads the commit the previous agent process applied (once per process).
  void restore_last_good();
  void refuse(const std::string& tip, const std::string& problem, PassResult& result);
  /// A commit that would leave this host with no service while some still run here: the error
  /// that refuses it, unless the host file allows it (nullopt: fine).
  [[nodiscard]] std::optional<std::string> removes_everything(const Desired& desired);
  /// Carries out `result.plan` in dependency waves (plan/apply_waves.hpp), the actions of a
  /// wave at once (up to `apply_parallel`), a wave once the one before is done: an action whose
  /// dependency failed or waited earlier in the pass waits too.
  void apply_in_order(const Desired& desired, const Live& live, PassResult& result);
  /// Journals (and notifies) what waits: each delayed restart or repair once per backoff step,
  /// each blocked service once per dependency and target.
  void report_waits(const Plan& plan, const std::vector<BlockedService>& blocked);
  /// Journals (and notifies) each service the health watch holds unhealthy, once per episode.
  void report_unhealthy(const Desired& desired,
                        const std::map<std::string, HealthState>& unhealthy);
  /// The holds in force this pass (Git's and the host's own, plan/suspension_plan.hpp); a
  /// host file of holds the agent cannot read holds everything (reconciler_holds.cpp).
  [[nodiscard]] Suspensions holds_in_force(const Desired& desired, const Live& live) const;
  /// Whether a hold journaled as started has a `--for` that has run out since.
  [[nodiscard]] bool hold_ended() const;
  /// Journals (and notifies) each hold when it starts and when it is lifted.
  void report_holds(const std::string& state_commit, const Suspensions& holds);
  /// After a pass: which services are healthy, and which degraded ones recovered.
  void observe_health(const Desired& desired, PassResult& result);
  /// One line in the journal, and to the notifier as `kind`.
  void record_event(const JournalEntry& entry, const char* kind) const;
  void rotate_logs(const Live& live) const;
  /// The service dirs under the root plus, for container services, what the runtime says.
  [[nodiscard]] Live probe_live(const Desired& desired, const History& history);

  Layout m_layout;
  HostIdentity m_host;
  StateSource& m_source;
  const CommitGate& m_gate;
  const Applier& m_applier;
  const ContainerEngines* m_containers;  ///< nullptr: container services are not probed
  std::optional<Desired> m_last_good;
  bool m_restored = false;  ///< restore_last_good() ran
  Notifier* m_notifier;
  HealthWatch* m_health_watch;
  size_t m_apply_parallel;
  const FleetJudge* m_fleet;
  std::function<std::chrono::sys_seconds()> m_wall_clock;
  std::optional<Desired> m_gated;  ///< this pass's gate(), when waves held something back
  std::map<std::string, WaveWait> m_wave_reported;  ///< logged already, per waved service
  /// Per service, the release dir `current` pointed at after the last pass that probed: a
  /// host that has not taken a waved release yet asks the fleet analysis at every pass (a
  /// halt stays a halt), one that runs it only while the rollout is in progress.
  std::map<std::string, std::string> m_serving;
  FlapDamper m_damper;
  std::map<std::string, std::string> m_blocked_reported;  ///< service -> dependency/target
  std::map<std::string, std::string> m_recovered_at;      ///< service -> time of its recovery
  std::map<std::string, std::string> m_unhealthy_since;   ///< service -> episode journaled
  Suspensions m_holds_reported;                           ///< holds journaled as started
  HashCache m_hashes{m_layout.hash_cache()};  ///< digests of release files, kept across polls
  ProbeCache m_probe_cache;                   ///< parsed records and watched pids, across polls
  ManifestCache m_manifests;                  ///< manifests by blob id, across commits
  std::vector<std::string> m_last_notes;      ///< logged already; repeated notes stay quiet
  std::string m_last_refused;                 ///< tip commit already reported as invalid
  std::string m_last_refused_problem;         ///< and why
  std::string m_unreachable;                  ///< why the last fetch failed ("" when it did not)
  /// Lets a daemon's pass that nothing could have affected skip probe, plan and apply.
  QuietPoll m_quiet;
};

}  // namespace tether
