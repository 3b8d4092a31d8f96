#pragma once

#include "manifest/diagnostics.hpp"
#include "model/desired.hpp"
#include "model/snapshot.hpp"

#include <string>

namespace tether {

class ManifestCache;  // manifest/manifest_cache.hpp

/// Who this agent is: its id and the labels it was configured with.
struct HostIdentity {
  std::string id;
  StringMap labels;
};

/// Validates every manifest in `snapshot` and resolves the services `host` should run
/// (selector, host-file overrides, rollout share). Any problem anywhere refuses the whole
/// commit: a half-valid state is never applied. Returns nullopt with `diagnostics` filled.
/// `cache`, when given, keeps the parsed manifests by blob id for the next commit: a daemon
/// parses only the manifests a commit changed.
std::optional<Desired> load_desired(const StateSnapshot& snapshot,
                                    const HostIdentity& host,
                                    Diagnostics& diagnostics,
                                    ManifestCache* cache = nullptr);

/// Why `source` cannot be a config file at this commit ("" when it can): it is missing, or a
/// symlink (tether reads only regular files from the state repo).
[[nodiscard]] std::string config_source_problem(const StateSnapshot& snapshot,
                                                const std::string& source);

/// The stable rollout bucket (0-99) of a host for a service: the first 8 bytes of
/// SHA-256("<host id>/<service>") as an integer, mod 100. `tether plan` uses the same function.
[[nodiscard]] int rollout_bucket(const std::string& host_id, const std::string& service);

/// True when the host's rollout bucket for `service` is below `percent`. Hosts outside the
/// share do not get the service's declared release: what they run stays as it is.
[[nodiscard]] bool in_rollout(const std::string& service, const std::string& host_id, int percent);

}  // namespace tether
