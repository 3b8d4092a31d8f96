#pragma once

#include "model/desired.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"

#include <optional>
#include <string>

namespace tether {

/// The action for a binary release service (run.exec or run.systemd) whose declaration is not
/// quarantined, or nullopt when it is converged:
/// - target not current: switch to it (install first unless an intact copy is installed),
///   labelled install / upgrade / rollback / change by version order
/// - target current but damaged: repair (rebuild the release dir, restart)
/// - target current and intact: `reconfigure` when what runs (or what last passed the health
///   gate here) has another fingerprint than the declaration, `restart` when the exec process
///   is down, runs another release, or `unhealthy` (the health watch's verdict) is set
[[nodiscard]] std::optional<ServiceAction> plan_release(const DesiredService& desired,
                                                        const LiveService& live,
                                                        const std::string& unhealthy);

/// The declared release of a binary service is quarantined: keep what serves (the serving
/// record's release and spec) running. A restart with SpecSource::serving when its process is
/// down, runs other settings or is unhealthy; nullopt when it serves, or nothing can.
[[nodiscard]] std::optional<ServiceAction> plan_keep_serving(const DesiredService& desired,
                                                             const LiveService& live,
                                                             const std::string& unhealthy);

/// "reconfigure: run.exec.env, health changed" from the serving record to the declaration.
[[nodiscard]] std::string describe_reconfigure(const DesiredService& desired,
                                               const LiveService& live);

}  // namespace tether
