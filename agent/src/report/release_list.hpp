#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tether {

/// One installed release of a service (a release dir, or for a container service an image
/// tether ran) as `tether releases` shows it.
struct ReleaseEntry {
  std::string name;     ///< the dir under releases/, or the image reference
  std::string version;  ///< from release.json ("" when it has none)
  std::string commit;
  std::string installed_at;             ///< RFC 3339, "" when not known
  std::optional<std::uintmax_t> bytes;  ///< on disk, symlinks not followed; none for images
  /// What it is to the service: live (`current`/serving), previous (the rollback target),
  /// quarantined (failed its gate, not retried), failed (failed a gate before), damaged.
  std::vector<std::string> roles;
  bool operator==(const ReleaseEntry&) const = default;
};

struct ReleaseList {
  std::string service;
  std::string kind;                    ///< "release" (dirs) or "container" (images)
  std::vector<ReleaseEntry> releases;  ///< newest install first
  /// `spec.shared` data (issue #23): its dir and size, when the service has one.
  std::string shared_dir;
  std::optional<std::uintmax_t> shared_bytes;
  bool operator==(const ReleaseList&) const = default;
};

/// Reads what is installed of `service` under the root: release dirs and their release.json,
/// `current`, the serving record, the history (quarantine, last and previous good), the image
/// record of a container service, sizes on disk. Changes nothing. Error when the service has
/// nothing on this host.
[[nodiscard]] Result<ReleaseList> list_releases(const Layout& layout, const std::string& service);

[[nodiscard]] nlohmann::json to_json(const ReleaseList& list);

}  // namespace tether
