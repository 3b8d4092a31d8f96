#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tether {

/// A release that failed its health gate on this host. It is not tried again while the
/// service's declaration (spec_digest) is unchanged.
struct Quarantine {
  std::string dir_name;
  std::string version;
  std::string commit;
  std::string spec_digest;
  std::string reason;
  std::string time;  ///< RFC 3339 UTC
  bool operator==(const Quarantine&) const = default;
};

/// What this host remembers about a service beyond what is on disk.
struct ServiceHistory {
  std::optional<Quarantine> quarantine;
  std::string last_good_dir;  ///< the last release that passed its health gate here
  /// The release that passed its gate here before last_good_dir: what a rollback of the
  /// last one returns to (pruning keeps it).
  std::string previous_good_dir;
  /// Releases that failed their health gate here, most recent last (bounded): pruned first.
  std::vector<std::string> failed_dirs;
  // Migrations (#23): the release dir a rollback across migrations may leave (`tether retry
  // --accept-migrations`: the operator accepts that the schema moved on under it); cleared
  // once another release serves.
  std::string migrations_accepted_from = {};
  bool operator==(const ServiceHistory&) const = default;
};

using History = std::map<std::string, ServiceHistory>;

}  // namespace tether
