#pragma once

#include "manifest/diagnostics.hpp"
#include "manifest/state_loader.hpp"
#include "model/desired.hpp"
#include "model/snapshot.hpp"

#include <map>
#include <optional>
#include <string>

namespace tether {

class ManifestCache;  // manifest/manifest_cache.hpp

/// Direct children of `dir` ("services/", "hosts/") ending in .yaml or .yml -> their stem.
[[nodiscard]] std::map<std::string, std::string> yaml_files_in(const StateSnapshot& snapshot,
                                                               const std::string& dir);

/// True when every key of `selector` has the same value in `labels`.
[[nodiscard]] bool selector_matches(const StringMap& selector, const StringMap& labels);

/// One service whose selector matches the host, resolved as its agent sees it.
struct ResolvedService {
  /// Host overrides applied, config files read, release identity and fingerprint computed.
  /// For a service outside the rollout share its missing config files are not an error (the
  /// host does not take it) and are left out of the hash.
  DesiredService desired;
  int percent = 100;
  int bucket = 0;        ///< the host's stable bucket 0-99 for this service
  bool included = true;  ///< bucket < percent: the host takes the declared release
  std::string path;      ///< services/<name>.yaml (or .yml)
};

/// Everything one commit says about one host.
struct ResolvedHost {
  StringMap labels;  ///< the agent's labels overlaid with hosts/<id>.yaml
  bool allow_removing_all = false;
  std::optional<Suspension> suspend;                ///< hosts/<id>.yaml `spec.suspend`
  std::map<std::string, ResolvedService> services;  ///< every service the selector takes
};

/// The one host resolver, used by the agent (load_desired), `tether plan`, `validate` and
/// `GET /plan`: validates every manifest in `snapshot` (one problem anywhere refuses the whole
/// commit) and resolves the services `host` selects (selector, host overrides, rollout bucket,
/// dependencies). Returns nullopt with `diagnostics` filled when the commit is invalid.
/// `cache`, when given, supplies the manifests parsed from earlier snapshots (by blob id).
[[nodiscard]] std::optional<ResolvedHost> resolve_host(const StateSnapshot& snapshot,
                                                       const HostIdentity& host,
                                                       Diagnostics& diagnostics,
                                                       ManifestCache* cache = nullptr);

/// What the agent converges to: the resolved services inside their rollout share.
[[nodiscard]] Desired desired_of(const ResolvedHost& host, const std::string& state_commit);
/// The same, moving the services out of `host` rather than copying them.
[[nodiscard]] Desired desired_of(ResolvedHost&& host, const std::string& state_commit);

}  // namespace tether
