#pragma once

#include "model/desired.hpp"
#include "model/history.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"

#include <optional>

namespace tether {

/// The action that brings a container service's tether-<service> container to its declared
/// image digest and config hash, or nullopt when it already runs them. A container that is
/// missing, stopped, runs another image or lacks tether's labels after this host had applied
/// the service is drift: `repair`. A declared change is `change` (digests have no order).
[[nodiscard]] std::optional<ServiceAction> plan_container(const DesiredService& desired,
                                                          const LiveService& live,
                                                          const ServiceHistory& history);

/// The release a live container runs, from its labels (nullopt for a container tether did
/// not create).
[[nodiscard]] std::optional<ReleaseId> release_of(const LiveContainer& container);

}  // namespace tether
