#pragma once

#include <map>
#include <optional>
#include <string>

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
  bool operator==(const ServiceHistory&) const = default;
};

using History = std::map<std::string, ServiceHistory>;

}  // namespace tether
