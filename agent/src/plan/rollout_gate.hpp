#pragma once

#include "model/desired.hpp"
#include "model/rollout.hpp"

#include <chrono>
#include <map>
#include <string>

namespace tether {

/// One waved service in one pass: this host's wave and the release it rolls out.
struct ServiceWave {
  WaveStatus status;
  ReleaseId release;          ///< the declared release (the one a waiting host does not take yet)
  std::string start_commit;   ///< the commit whose time the waves count from
  FleetJudgement fleet = {};  ///< what the fleet analysis said this pass
  bool operator==(const ServiceWave&) const = default;
};

/// The desired state a pass converges to once the waves had their say.
struct WaveGate {
  Desired desired;  ///< services whose wave waits moved from `services` to `held_back`
  std::map<std::string, ServiceWave> waves;  ///< per waved service: its wave, why it waits
};

/// Holds back each service of `desired.waves` whose wave is not due at `now` or whose rollout
/// the fleet analysis halted (`verdicts`, by service; absent: not asked): such a host keeps
/// what it runs, as a host outside `rollout.percent` does. Pure.
[[nodiscard]] WaveGate gate_waves(const Desired& desired,
                                  std::chrono::sys_seconds now,
                                  const std::map<std::string, FleetJudgement>& verdicts);

/// True while some wave of `waved` is not due yet at `now`: the rollout is in progress.
[[nodiscard]] bool rollout_in_progress(const WavedService& waved, std::chrono::sys_seconds now);

}  // namespace tether
