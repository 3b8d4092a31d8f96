#pragma once

#include "core/duration.hpp"

#include <map>
#include <string>

namespace tether {

/// What the agent remembers about a service between passes that the disk does not say. The
/// planner takes it as input, so the plan stays a pure function of what it is given.
struct ServiceCondition {
  /// Why its last change failed (declaration unchanged since, nothing succeeded after); "" when
  /// it did not. A service in this state is not healthy for the services that depend on it.
  std::string failure;
  /// Its restarts and drift repairs, and any retry of the change that failed
  /// (`failed_fingerprint`), are backed off for this much longer.
  Millis hold{0};
  int attempts = 0;  ///< restarts and repairs in a row so far (for the operator's note)
  /// The continuous health watch's verdict: why the running service is unhealthy (its last
  /// probe's answer and how many failed in a row); "" while healthy or not watched.
  std::string unhealthy = {};
  std::string failed_fingerprint = {};  ///< the spec whose change failed ("" when none did)
  bool operator==(const ServiceCondition&) const = default;
};

using Conditions = std::map<std::string, ServiceCondition>;

}  // namespace tether
