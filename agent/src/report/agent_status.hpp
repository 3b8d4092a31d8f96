#pragma once

#include "model/service.hpp"
#include "model/suspension.hpp"

#include <map>
#include <optional>
#include <string>

namespace tether {

/// Where a service stands after the agent's last pass.
enum class ServiceState {
  converged,    ///< runs its declared release
  pending,      ///< not there yet (held back by a restart backoff, or not tried)
  failed,       ///< the last attempt failed; the previous release keeps serving
  quarantined,  ///< the declared release failed its health check and is not retried
  blocked,      ///< its change waits for a dependency that is not healthy (spec.dependsOn)
  degraded,     ///< keeps crashing or drifting: its restarts or repairs are backed off
  unhealthy,    ///< runs, but its health probe keeps failing (the health watch): restarted
  suspended,    ///< a hold (tether suspend, spec.suspend) keeps back what it would do
};

[[nodiscard]] const char* to_string(ServiceState state);

/// The release a service is declared at for this host.
struct DeclaredRelease {
  std::string version;  ///< binary releases
  std::string commit;
  std::string image;  ///< container services: name@sha256:...
  bool operator==(const DeclaredRelease&) const = default;
};

/// A service rolling out in waves (`spec.rollout.steps`): this host's wave.
struct WaveView {
  int wave = 1;  ///< 1-based
  int waves = 1;
  int percent = 100;
  std::string due_at;        ///< RFC 3339
  std::string since_commit;  ///< the commit whose time the waves count from
  std::string waiting;       ///< "" (took the release), "pause" or "halted"
  bool operator==(const WaveView&) const = default;
};

struct ServiceStatus {
  DeclaredRelease desired;
  ServiceState state = ServiceState::pending;
  std::string error;              ///< why the last attempt failed
  std::string blocked_on = {};    ///< blocked: the dependency it waits for
  std::string reason = {};        ///< blocked or degraded: why, as the journal says it
  std::string recovered_at = {};  ///< RFC 3339: when it last recovered from being degraded
  std::optional<Suspension> suspended = {};  ///< the hold in force, whatever the state
  /// spec.switch.strategy ("restart", "blue-green"); "" for containers (no strategy yet).
  std::string strategy = {};
  /// Waves: this host's wave; a host whose wave waits is `pending`, `reason` says why.
  std::optional<WaveView> wave = {};
  bool operator==(const ServiceStatus&) const = default;
};

/// What only the running agent knows (the disk says what is live, not what was asked for):
/// who it is, what it converges to and how its last pass went. Served by GET /status.
struct AgentStatus {
  std::string host;
  StringMap labels;
  std::string desired_commit;  ///< the state commit the last pass converged towards
  std::string pass_time;       ///< RFC 3339, when the last pass finished
  std::string outcome;         ///< converged, failed, refused or unreachable
  std::string problem;         ///< why the last pass was refused or unreachable
  std::map<std::string, ServiceStatus> services;  ///< the services declared for this host
  /// The branch tip the last pass fetched ("" when the repo was unreachable): not the
  /// desired commit while the tip is refused.
  std::string tip_commit = {};
  /// A field added here also goes into same_but_services() (report/last_pass_file.cpp).
  bool operator==(const AgentStatus&) const = default;
};

}  // namespace tether
