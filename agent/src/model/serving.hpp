#pragma once

#include "model/release_id.hpp"
#include "model/runtime_spec.hpp"

#include <string>
#include <vector>

namespace tether {

/// What serves a service as the agent last verified it (`<service>/serving.json`): written when
/// a switch, reconfigure, restart or repair passed its health gate. It is the spec to restart
/// with while the declared one is quarantined, the one an auto-rollback of a reconfigure goes
/// back to, and the one the continuous health watch probes. A live process or container whose
/// fingerprint is not this record's never passed a gate here.
struct ServingRecord {
  ReleaseId release;
  std::string fingerprint;  ///< fingerprint_of(spec)
  RuntimeSpec spec = {};
  /// Container services: the declared image reference (pullable, unlike spec's bare digest)
  /// and the targets of the config files mounted from `config/<config hash>/`.
  std::string image = {};
  std::vector<std::string> config_targets = {};
  std::string state_commit = {};
  std::string since = {};  ///< RFC 3339 UTC: when it passed its gate
  bool operator==(const ServingRecord&) const = default;
};

}  // namespace tether
