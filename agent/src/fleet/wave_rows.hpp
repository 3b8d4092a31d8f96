#pragma once

// The progress of rollouts in waves (`spec.rollout.steps`) across the fleet: per service, wave
// and declared release, how many hosts run it and how many wait, and why. Pure: no I/O.

#include "fleet/host_view.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tether::fleet {

struct WaveRow {
  std::string service;
  int wave = 1;         ///< 1-based
  ReleaseView release;  ///< the one declared
  int hosts = 0;
  int converged = 0;  ///< run the declared release, converged (effective_state)
  int pause = 0;      ///< hold it back: their wave is not due yet
  int halted = 0;     ///< hold it back: the fleet analysis halted the rollout
  bool operator==(const WaveRow&) const = default;
};

/// One row per service, wave and declared release over the answering hosts whose agent reports
/// a wave for the service, limited to `only` when it is not empty; by service, wave, release.
/// Hosts waiting for another reason count in `hosts` only.
[[nodiscard]] std::vector<WaveRow> wave_rows(const std::vector<HostView>& hosts,
                                             std::string_view only);

}  // namespace tether::fleet
