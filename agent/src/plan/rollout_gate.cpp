#include "plan/rollout_gate.hpp"

namespace tether {

WaveGate gate_waves(const Desired& desired,
                    std::chrono::sys_seconds now,
                    const std::map<std::string, FleetJudgement>& verdicts) {
  WaveGate gate{desired, {}};
  for (const auto& [name, waved] : desired.waves) {
    const auto service = desired.services.find(name);
    if (service == desired.services.end()) continue;
    const auto verdict = verdicts.find(name);
    const WaveStatus status =
        wave_status(waved.bucket,
                    waved.steps,
                    waved.start,
                    now,
                    verdict == verdicts.end() ? FleetJudgement{} : verdict->second);
    if (status.wait != WaveWait::none) {
      gate.desired.services.erase(name);
      gate.desired.held_back.insert(name);
    }
    gate.waves.emplace(name, ServiceWave{status, service->second.release, waved.start_commit});
  }
  return gate;
}

bool rollout_in_progress(const WavedService& waved, std::chrono::sys_seconds now) {
  const auto due = wave_due_times(waved.steps, waved.start);
  return !due.empty() && now < due.back();
}

}  // namespace tether
