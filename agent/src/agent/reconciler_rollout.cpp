// Rollouts in waves (`spec.rollout.steps`, docs/staged-rollout.md): which services this pass
// holds back because their wave is not due or the rollout halted, and the rollback of a
// release the fleet analysis halted on a host that already took it.
#include "agent/reconciler.hpp"
#include "apply/history_store.hpp"
#include "apply/journal.hpp"
#include "apply/rollback_drill.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

namespace tether {

const Desired* Reconciler::gate(const Desired& desired, PassResult& result) {
  m_gated.reset();
  if (desired.waves.empty()) return &desired;
  const auto now = m_wall_clock();
  std::map<std::string, FleetJudgement> verdicts;
  for (const auto& [name, waved] : desired.waves) {
    const auto service = desired.services.find(name);
    if (service == desired.services.end()) continue;
    const auto serving = m_serving.find(name);
    const bool runs_it =
        serving != m_serving.end() && serving->second == service->second.release.dir_name();
    const bool first_wave = wave_status(waved.bucket, waved.steps, waved.start, now, {}).wave == 0;
    // A host that runs the release judges the fleet while the rollout is in progress (a breach
    // rolls it back); one that has not taken it judges it whenever its wave would let it, so a
    // halted rollout stays halted after every wave is due.
    if (runs_it ? !rollout_in_progress(waved, now) : first_wave) continue;
    if (m_fleet != nullptr) {
      verdicts[name] = m_fleet->judge(service->second, waved);
    } else if (!waved.fleet_queries.empty()) {
      verdicts[name] = {FleetVerdict::unknown, "agent.yaml names no Prometheus to ask"};
    }
  }
  WaveGate gated = gate_waves(desired, now, verdicts);
  for (auto& [name, wave] : gated.waves) {
    if (const auto verdict = verdicts.find(name); verdict != verdicts.end())
      wave.fleet = verdict->second;
    const WaveStatus& status = wave.status;
    const auto before = m_wave_reported.find(name);
    if (status.wait != WaveWait::none &&
        (before == m_wave_reported.end() || before->second != status.wait)) {
      log_info("waiting for this host's wave",
               {{"service", name},
                {"stateCommit", short_commit(desired.state_commit)},
                {"why", status.why}});
    }
    m_wave_reported[name] = status.wait;
  }
  result.waves = std::move(gated.waves);
  if (gated.desired == desired) return &desired;
  m_gated = std::move(gated.desired);
  return &*m_gated;
}

const Desired* Reconciler::roll_back_halted(const Desired* desired,
                                            const Live& live,
                                            PassResult& result) {
  const auto now = m_wall_clock();
  for (const auto& [name, wave] : result.waves) {
    if (wave.fleet.verdict != FleetVerdict::breached) continue;
    // After every wave is due a breach no longer rolls anything back: each host's own gate
    // and bake judged its switch (a restarted agent must not undo a finished rollout).
    const auto waved = desired->waves.find(name);
    if (waved == desired->waves.end() || !rollout_in_progress(waved->second, now)) continue;
    const auto it = live.find(name);
    const InstalledRelease* current = it != live.end() ? it->second.current() : nullptr;
    if (current == nullptr || current->id.dir_name() != wave.release.dir_name()) continue;
    if (!m_last_good) continue;
    const auto declared = m_last_good->services.find(name);
    if (declared == m_last_good->services.end()) continue;
    auto drill = plan_drill(m_layout, name);  // the previous good release, as it ran
    if (!drill) {
      log_warn("the rollout is halted but this host cannot go back from its release",
               {{"service", name}, {"error", drill.error().describe()}});
      continue;
    }
    const std::string reason = "fleet analysis: " + wave.fleet.reason;
    // Quarantined first: the passes after this one keep what serves instead of retrying.
    HistoryStore store(m_layout.history());
    History history = store.load().value_or(History{});
    history[name].quarantine = Quarantine{wave.release.dir_name(),
                                          wave.release.version,
                                          wave.release.commit,
                                          declared->second.spec_digest,
                                          reason,
                                          now_rfc3339()};
    if (Status saved = store.save(history); !saved) {
      log_error("cannot quarantine the halted release; not rolling back",
                {{"service", name}, {"error", saved.error().describe()}});
      continue;
    }
    log_warn("auto-rollback",
             {{"service", name},
              {"from", wave.release.short_text()},
              {"to", drill->previous.release.short_text()},
              {"reason", reason},
              {"stateCommit", short_commit(desired->state_commit)}});
    record_event(JournalEntry{now_rfc3339(),
                              desired->state_commit,
                              name,
                              "auto-rollback",
                              journal_release(wave.release),
                              journal_release(drill->previous.release),
                              "ok",
                              "",
                              reason},
                 "auto-rollback");
    if (!m_gated) m_gated = *desired;
    m_gated->services[name] = drill->previous;
    m_gated->held_back.erase(name);
    desired = &*m_gated;
    ++result.rollbacks;
  }
  return desired;
}

void Reconciler::remember_serving(const PassResult& result) {
  if (result.work.reused_last_pass || !result.desired || result.desired->waves.empty()) return;
  for (const auto& [name, service] : result.live_after) {
    const InstalledRelease* current = service.current();
    m_serving[name] = current != nullptr ? current->id.dir_name() : "";
  }
}

}  // namespace tether
