#pragma once

#include <map>
#include <string>

namespace tether {

/// Rollback drills (#23): how the last `tether drill` of a service went, for the metrics.
struct DrillRecord {
  std::string time;                  ///< RFC 3339 UTC, when it finished
  double finished_unix_seconds = 0;  ///< the same, for tether_drill_timestamp_seconds
  bool ok = false;                   ///< both switches passed their health gate
  double rollback_seconds = 0;       ///< the switch to the previous good release
  double back_seconds = 0;           ///< the switch back to the declared release
  bool operator==(const DrillRecord&) const = default;
};

/// The last drill of each service, by name.
using DrillRecords = std::map<std::string, DrillRecord>;

}  // namespace tether
