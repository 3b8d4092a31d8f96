#pragma once

#include "manifest/diagnostics.hpp"
#include "model/desired.hpp"
#include "model/snapshot.hpp"

#include <string>

namespace tether {

/// Who this agent is: its id and the labels it was configured with.
struct HostIdentity {
  std::string id;
  StringMap labels;
};

/// Validates every manifest in `snapshot` and resolves the services `host` should run
/// (selector, host-file overrides, rollout share). Any problem anywhere refuses the whole
/// commit: a half-valid state is never applied. Returns nullopt with `diagnostics` filled.
std::optional<Desired> load_desired(const StateSnapshot& snapshot,
                                    const HostIdentity& host,
                                    Diagnostics& diagnostics);

/// True when the stable rollout bucket of (service, host) falls inside `percent`.
[[nodiscard]] bool in_rollout(const std::string& service, const std::string& host_id, int percent);

}  // namespace tether
