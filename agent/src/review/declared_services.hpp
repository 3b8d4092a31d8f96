#pragma once

#include "manifest/diagnostics.hpp"
#include "manifest/state_loader.hpp"
#include "model/snapshot.hpp"
#include "review/review_model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tether::review {

/// The hosts a snapshot knows: hosts/*.yaml by id, with the labels each file sets. A file that
/// does not parse is left out here; declared_for() reports it.
[[nodiscard]] std::map<std::string, StringMap> hosts_declared(const StateSnapshot& snapshot);

/// What one commit declares for one host.
struct HostDeclaration {
  StringMap labels;  ///< `host.labels` overlaid with hosts/<id>.yaml, as the agent resolves them
  HostSide services;
};

/// Validates `snapshot` exactly as the agent of `host` would (load_desired: one problem anywhere
/// refuses the commit) and lists every service whose selector matches the host, with host
/// overrides applied, including those its rollout bucket holds back (`rollout.included` false).
/// Returns nullopt with `diagnostics` filled when the commit is invalid.
[[nodiscard]] std::optional<HostDeclaration> declared_for(const StateSnapshot& snapshot,
                                                          const HostIdentity& host,
                                                          Diagnostics& diagnostics);

/// The review view of a validated Service's release; `config_hash` as docs/design.md computes it.
[[nodiscard]] ReleaseView release_view(const Service& service, const std::string& config_hash);

/// The identities the blobs declare, each at its oldest declaration. Blobs that do not parse
/// (old manifests of an earlier format, broken commits) are skipped.
[[nodiscard]] DeclaredHistory history_of(const std::vector<HistoricBlob>& blobs);

}  // namespace tether::review
