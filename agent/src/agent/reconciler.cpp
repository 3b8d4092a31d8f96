#include "agent/reconciler.hpp"

#include "agent/watch_targets.hpp"
#include "agent/wave_clock.hpp"
#include "apply/history_store.hpp"
#include "apply/log_rotation.hpp"
#include "apply/switch_marker.hpp"
#include "container/container_probe.hpp"
#include "container/container_record.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/live_probe.hpp"
#include "plan/planner.hpp"

#include <algorithm>

namespace tether {
namespace {

fs::path last_good_file(const Layout& layout) { return layout.state_dir() / "last-good-commit"; }

bool declares_containers(const Desired& desired) {
  return std::any_of(desired.services.begin(), desired.services.end(), [](const auto& entry) {
    return std::holds_alternative<ContainerSpec>(entry.second.service.workload);
  });
}

/// The services `plan` changes when carried out.
std::set<std::string> acted_on(const Plan& plan) {
  std::set<std::string> services;
  for (const ServiceAction& action : plan.actions) services.insert(action.service);
  for (const ServiceAction& removal : plan.removals) services.insert(removal.service);
  for (const PruneAction& prune : plan.prunes) services.insert(prune.service);
  return services;
}

constexpr std::uintmax_t k_max_log_bytes = 10 * 1024 * 1024;
constexpr int k_log_generations = 3;

}  // namespace

const char* to_string(PassOutcome outcome) {
  switch (outcome) {
    case PassOutcome::converged:
      return "converged";
    case PassOutcome::failed:
      return "failed";
    case PassOutcome::refused:
      return "refused";
    case PassOutcome::unreachable:
      break;
  }
  return "unreachable";
}

Reconciler::Reconciler(Layout layout,
                       HostIdentity host,
                       StateSource& source,
                       const CommitGate& gate,
                       const Applier& applier,
                       const Clock& clock,
                       const ContainerEngines* containers,
                       ReconcilerOptions options)
    : m_layout(std::move(layout)),
      m_host(std::move(host)),
      m_source(source),
      m_gate(gate),
      m_applier(applier),
      m_containers(containers),
      m_notifier(options.notifier),
      m_health_watch(options.health_watch),
      m_apply_parallel(options.apply_parallel),
      m_fleet(options.fleet),
      m_wall_clock(std::move(options.wall_clock)),
      m_damper(clock, options.damping),
      m_quiet(clock) {}

void Reconciler::rotate_logs(const Live& live) const {
  for (const auto& [name, service] : live) {
    if (rotate_log_if_large(m_layout.log_file(name), k_max_log_bytes, k_log_generations)) {
      log_info("rotated service log", {{"service", name}});
    }
  }
}

Live Reconciler::probe_live(const Desired& desired, const History& history) {
  Live live = probe_all(m_layout, m_hashes, history, m_probe_cache);
  if (m_containers == nullptr) return live;
  probe_containers(desired, *m_containers, live);
  // A container service no longer declared: its record says which runtime runs it, so that
  // its removal finds the container.
  for (auto& [name, service] : live) {
    if (desired.services.count(name) != 0) continue;
    const auto record = read_container_record(m_layout, name);
    if (!record) continue;
    Service by_runtime;
    by_runtime.runtime = record->runtime;
    auto inspected = m_containers->engine_for(by_runtime).inspect(container_name_of(name));
    if (inspected) service.container = *inspected;
  }
  return live;
}

std::optional<std::string> Reconciler::removes_everything(const Desired& desired) {
  if (!desired.services.empty() || !desired.held_back.empty() || desired.allow_removing_all)
    return std::nullopt;
  std::string running;
  for (const auto& [name, live] : probe_all(m_layout, m_hashes, {}, m_probe_cache)) {
    if (!live.current_dir && live.process != ProcessState::running &&
        !read_container_record(m_layout, name))
      continue;
    running += (running.empty() ? "" : ", ") + name;
  }
  if (running.empty()) return std::nullopt;
  return "it declares no service for host " + m_host.id +
         ", which would stop every service it "
         "runs (" +
         running +
         "). If that is intended, set `spec.allowRemovingAllServices: true` "
         "in hosts/" +
         m_host.id + ".yaml in the same commit";
}

std::optional<Desired> Reconciler::load_commit(const std::string& commit, std::string& problem) {
  auto snapshot = m_source.snapshot(commit);
  if (!snapshot) {
    problem = snapshot.error().describe();
    return std::nullopt;
  }
  Diagnostics diagnostics;
  auto desired = load_desired(*snapshot, m_host, diagnostics, &m_manifests);
  if (!desired) {
    problem = diagnostics.describe();
    return desired;
  }
  set_wave_starts(m_source, *desired, m_wall_clock());
  return desired;
}

void Reconciler::restore_last_good() {
  if (m_last_good || m_restored) return;
  m_restored = true;
  // A fresh agent process: start from the commit the previous one applied, if any.
  auto saved = read_file(last_good_file(m_layout));
  if (saved && saved->size() >= 40) {
    std::string problem;
    m_last_good = load_commit(saved->substr(0, 40), problem);
  }
}

void Reconciler::refuse(const std::string& tip, const std::string& problem, PassResult& result) {
  result.outcome = PassOutcome::refused;
  result.problem = "state commit " + short_commit(tip) + " refused: " + problem;
  m_last_refused = tip;
  m_last_refused_problem = result.problem;
  log_error("state commit refused; the host stays on its last good state",
            {{"stateCommit", short_commit(tip)}, {"problems", problem}});
}

const Desired* Reconciler::desired_state(ApplyMode mode, PassResult& result) {
  restore_last_good();
  auto tip = m_source.fetch();
  if (!tip) {
    result.outcome = PassOutcome::unreachable;
    result.problem = tip.error().describe();
    if (tip.error().stopping) {  // SIGTERM cut the fetch: not the server's failure
      result.stopping = true;
      return last_good();
    }
    // Said when it starts failing (or fails differently), and when it recovers; the polls in
    // between (backed off by the loop) only at debug level.
    log_event(result.problem == m_unreachable ? LogLevel::debug : LogLevel::warn,
              "cannot fetch the state repo; keeping the last good state",
              {{"error", result.problem}});
    m_unreachable = result.problem;
    return last_good();
  }
  result.tip_commit = *tip;
  if (!m_unreachable.empty()) {
    log_info("the state repo is reachable again", {{"after", m_unreachable}});
    m_unreachable.clear();
  }
  if (m_last_good && m_last_good->state_commit == *tip) {
    return last_good();  // unchanged since the last pass: nothing to parse
  }
  if (m_last_refused == *tip) {
    // Reported when first seen; a daemon polling the same bad tip stays quiet until it moves.
    result.outcome = PassOutcome::refused;
    result.problem = m_last_refused_problem;
    log_debug("state commit still refused", {{"stateCommit", short_commit(*tip)}});
    return last_good();
  }
  // Trust before content: a tip that rewrote history or lacks a valid signature is refused
  // before any of its manifests is parsed.
  const std::string applied = m_last_good ? m_last_good->state_commit : "";
  if (Status admitted = m_gate.admit(m_source, *tip, applied); !admitted) {
    refuse(*tip, admitted.error().describe(), result);
    return last_good();
  }
  std::string problem;
  result.work.manifests_loaded = true;
  auto desired = load_commit(*tip, problem);
  if (!desired) {
    refuse(*tip, problem + "\nFix the manifests in a new commit", result);
    return last_good();
  }
  if (const auto everything = removes_everything(*desired)) {
    refuse(*tip, *everything, result);
    return last_good();
  }
  m_last_good = std::move(desired);
  if (mode == ApplyMode::apply) {
    Status saved = make_dirs(m_layout.state_dir());
    if (saved) saved = write_file_atomic(last_good_file(m_layout), *tip + "\n");
    if (!saved) log_warn("cannot record the last good commit", {{"error", saved.error().message}});
  }
  return last_good();
}

PassResult Reconciler::run_once(ApplyMode mode, PassTrigger trigger) {
  const SourceCounters source_before = m_source.counters();
  const size_t hashed_before = m_hashes.files_hashed();
  PassResult result = pass(mode, trigger);
  remember_serving(result);
  const SourceCounters source_after = m_source.counters();
  result.work.polls = source_after.polls - source_before.polls;
  result.work.downloads = source_after.downloads - source_before.downloads;
  result.work.files_hashed = m_hashes.files_hashed() - hashed_before;
  if (mode == ApplyMode::apply) {
    // Only a pass that looked at every service knows which digests nothing uses any more.
    if (Status saved = result.work.probed_all ? m_hashes.retain_used_and_save() : m_hashes.save();
        !saved)
      log_warn("cannot save the hash cache", {{"error", saved.error().describe()}});
  }
  log_debug("pass done",
            {{"outcome", to_string(result.outcome)},
             {"downloads", std::to_string(result.work.downloads)},
             {"manifestsLoaded", result.work.manifests_loaded ? "true" : "false"},
             {"filesHashed", std::to_string(result.work.files_hashed)}});
  return result;
}

PassResult Reconciler::pass(ApplyMode mode, PassTrigger trigger) {
  PassResult result;
  // m_last_good itself: a quiet poll copies no desired state.
  const Desired* desired = desired_state(mode, result);
  if (desired == nullptr) return result;
  desired = gate(*desired, result);
  // A health watch means a daemon (`run --once` has none): its quiet polls may reuse the last
  // pass when nothing could have changed since (agent/quiet_poll.hpp).
  const bool daemon = m_health_watch != nullptr && mode == ApplyMode::apply;
  const auto unhealthy =
      daemon ? m_health_watch->unhealthy() : std::map<std::string, HealthState>{};
  if (daemon && m_quiet.reuse(trigger,
                              *desired,
                              !unhealthy.empty(),
                              hold_ended(),
                              m_damper.recovery_due(),
                              m_probe_cache,
                              result))
    return result;
  // What the watch held unhealthy when the pass began is what it acts on; the watch then
  // rests until the pass hands it what runs afterwards.
  if (daemon) {
    for (const auto& [name, state] : unhealthy) result.unhealthy[name] = describe_unhealthy(state);
    m_health_watch->pause();
    report_unhealthy(*desired, unhealthy);
  }
  result.state_commit = desired->state_commit;
  result.desired = *desired;
  const bool unsettled = mode == ApplyMode::apply && undo_unsettled_switches(m_layout);
  auto loaded = HistoryStore(m_layout.history()).load();
  if (!loaded) {
    log_warn("cannot read the history; quarantines are ignored",
             {{"error", loaded.error().describe()}});
  }
  const History history = loaded ? *loaded : History{};
  // What changed since the last pass is known per service: the rest is as it probed it (a new
  // commit on a quiet host probes nothing; the pass after a change probes what changed).
  const std::set<std::string>* reprobe =
      daemon && !unsettled && !declares_containers(*desired) ? m_quiet.reprobe_only() : nullptr;
  if (reprobe != nullptr)
    log_debug("probing only what changed since the last pass",
              {{"services", std::to_string(reprobe->size())}});
  result.work.probed_all = reprobe == nullptr;
  // Every service this pass probed (nullopt: all of them), for the watches of what it read.
  std::optional<std::set<std::string>> probed;
  if (reprobe != nullptr) probed = *reprobe;
  // Not const: the pass hands it on as what it leaves (moved, not copied: 100 services' worth).
  Live live = reprobe != nullptr
                  ? probe_services(
                        m_layout, m_hashes, history, m_probe_cache, m_quiet.last_live(), *reprobe)
                  : probe_live(*desired, history);
  // The agent's memory (failures, backoff) is an input of the plan; a dry run has none.
  if (mode == ApplyMode::apply) desired = roll_back_halted(desired, live, result);
  const Conditions conditions =
      mode == ApplyMode::apply
          ? m_damper.conditions(*desired, result.unhealthy, trigger == PassTrigger::operator_asked)
          : Conditions{};
  result.suspended = holds_in_force(*desired, live);
  result.plan = make_plan(*desired, live, history, conditions, result.suspended);
  // A daemon would repeat the same notes every poll: say each once, until it changes.
  if (result.plan.notes != m_last_notes) {
    for (const std::string& note : result.plan.notes) {
      log_warn(note, {{"stateCommit", short_commit(desired->state_commit)}});
    }
    m_last_notes = result.plan.notes;
  }
  if (mode == ApplyMode::dry_run) return result;
  rotate_logs(live);
  for (const auto& [name, service] : desired->services) result.converged[name] = true;
  for (const std::string& name : result.plan.quarantined) result.converged[name] = false;
  // A hold that keeps back a change leaves the host unlike its repo: not converged.
  for (const SuspendedService& held : result.plan.suspended) {
    if (desired->services.count(held.action.service) != 0)
      result.converged[held.action.service] = false;
  }
  // Migrations (#23): a rollback held across migrations is journaled and shown like a hold.
  for (const SuspendedService& held : result.plan.suspended)
    result.suspended.emplace(held.action.service, held.suspension);
  report_holds(desired->state_commit, result.suspended);

  for (const DelayedAction& delayed : result.plan.delayed)
    result.converged[delayed.action.service] = false;
  result.blocked = result.plan.blocked;
  if (result.plan.empty() && result.plan.blocked.empty()) {
    log_debug("nothing to apply", {{"stateCommit", short_commit(desired->state_commit)}});
    result.live_after = std::move(live);
  } else {
    apply_in_order(*desired, live, result);
    // The binaries just installed were hashed as they were verified: the probe below takes
    // those digests while the files are as they were read.
    for (const VouchedDigest& verified : m_applier.take_vouched()) m_hashes.vouch(verified);
    const History after = HistoryStore(m_layout.history()).load().value_or(History{});
    // Only the services the plan acted on changed (a change to another since the probe is in
    // the inotify queue, for the next pass); containers are asked of their runtime, all of them.
    const std::set<std::string> changed = acted_on(result.plan);
    if (probed) probed->insert(changed.begin(), changed.end());
    result.live_after =
        declares_containers(*desired)
            ? probe_live(*desired, after)
            : probe_services(m_layout, m_hashes, after, m_probe_cache, std::move(live), changed);
  }
  for (const BlockedService& blocked : result.blocked)
    result.converged[blocked.action.service] = false;
  for (const std::string& name : result.applied) result.unhealthy.erase(name);
  for (const auto& [name, why] : result.unhealthy) {
    if (desired->services.count(name) != 0) result.converged[name] = false;
  }
  report_waits(result.plan, result.blocked);
  observe_health(*desired, result);
  // "converged" only when every declared service is: a quarantined, unhealthy, blocked,
  // backed-off or held (suspended) service, a held removal included, is a host that does not
  // equal its repo.
  const bool all_converged =
      result.plan.suspended.empty() && std::all_of(result.converged.begin(),
                                                   result.converged.end(),
                                                   [](const auto& entry) { return entry.second; });
  if (result.outcome == PassOutcome::converged && !all_converged)
    result.outcome = PassOutcome::failed;
  if (m_health_watch != nullptr)
    m_health_watch->watch(watch_targets(m_layout, *desired, result.live_after));
  if (daemon) m_quiet.remember(result, m_layout, m_probe_cache, probed ? &*probed : nullptr);
  return result;
}

}  // namespace tether
