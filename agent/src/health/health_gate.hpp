#pragma once

#include "core/clock.hpp"
#include "health/probe.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace tether {

/// How a health gate ended.
struct HealthVerdict {
  bool healthy = false;
  std::string reason;  ///< the last probe's detail, or why the gate gave up
  int probes = 0;      ///< attempts made
  Millis elapsed{0};
  /// The gate gave up because the agent is stopping (core/termination.hpp), not because the
  /// service failed: no verdict on the service.
  bool stopping = false;
};

/// Returns a reason when the service's process is gone (so the gate fails at once instead of
/// probing a dead release until the deadline), "" while it runs.
using ProcessCheck = std::function<std::string()>;

/// Waits for `spec.successes` consecutive passing probes, after `initialDelay`, probing every
/// `interval` with a per-attempt `timeout`, until `deadline` (counted from the call). Gives up
/// early when `process_check` reports the process gone, or (`stopping`) when SIGTERM is pending.
[[nodiscard]] HealthVerdict await_healthy(const HealthSpec& spec,
                                          const std::filesystem::path& release_dir,
                                          Prober& prober,
                                          Clock& clock,
                                          const ProcessCheck& process_check);

}  // namespace tether
