#pragma once

#include "model/desired.hpp"
#include "model/history.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"

#include <optional>
#include <string>

namespace tether {

/// The action that brings a container service's tether-<service> container to its declaration
/// (image digest, config hash and every setting: the fingerprint), or nullopt when it runs it:
/// - no container, or one tether did not make, stopped, paused or running another image:
///   `repair` when this declaration already passed its gate here, else `install` / `change`
/// - the same image and config with other settings (env, ports, args, ...): `reconfigure`
/// - another image or config: `change` (digests have no order)
/// - all as declared but `unhealthy` (the health watch's verdict): `restart`
[[nodiscard]] std::optional<ServiceAction> plan_container(const DesiredService& desired,
                                                          const LiveService& live,
                                                          const ServiceHistory& history,
                                                          const std::string& unhealthy);

/// The declared container is quarantined: keep the serving record's container up. A `repair`
/// with SpecSource::serving when it is missing, stopped, paused, runs other settings or is
/// unhealthy; nullopt when it serves or nothing verified can.
[[nodiscard]] std::optional<ServiceAction> plan_container_serving(const DesiredService& desired,
                                                                  const LiveService& live,
                                                                  const std::string& unhealthy);

/// The release a live container runs, from its labels (nullopt for a container tether did
/// not create).
[[nodiscard]] std::optional<ReleaseId> release_of(const LiveContainer& container);

}  // namespace tether
