#pragma once

#include <string>

namespace tether {

/// What makes two binary releases the same (docs/design.md "Identity of a release").
struct ReleaseId {
  std::string version;
  std::string commit;
  std::string binary_sha256;
  std::string config_hash;
  bool operator==(const ReleaseId&) const = default;

  /// Directory name under releases/: "<version>-<commit12>-<id8>". The id suffix (a digest of
  /// binary and config hashes) keeps a config-only change out of the live release dir, so a
  /// new release is always built beside the old one and switched atomically.
  [[nodiscard]] std::string dir_name() const;
  /// "1.4.2 (3f2a9c1d5e7b)" for logs and status.
  [[nodiscard]] std::string short_text() const;
};

/// The first 12 hex digits of a commit id, as logs and errors show it.
[[nodiscard]] inline std::string short_commit(const std::string& commit) {
  return commit.substr(0, 12);
}

}  // namespace tether
