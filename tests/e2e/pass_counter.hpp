#pragma once

#include "command.hpp"

#include <chrono>
#include <string>

namespace tether::test {

/// How many passes the agent serving its API on `api_port` has finished, from GET /metrics
/// (`tether_reconcile_duration_seconds_count`, recorded once per pass); -1 when it does not
/// answer. The signal a test waits on instead of sleeping through "several passes".
inline long long passes_finished(int api_port) {
  const std::string metrics = http_get(api_port, "/metrics");
  const std::string name = "\ntether_reconcile_duration_seconds_count ";
  const size_t at = metrics.find(name);
  if (at == std::string::npos) return -1;
  return std::stoll(metrics.substr(at + name.size()));
}

/// Waits until at least `more` passes finished after `before` (a passes_finished() reading).
inline bool passes_eventually_reach(int api_port,
                                    long long before,
                                    long long more,
                                    std::chrono::milliseconds timeout) {
  return eventually([&] { return passes_finished(api_port) >= before + more; }, timeout);
}

}  // namespace tether::test
