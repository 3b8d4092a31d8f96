#pragma once

#include "core/result.hpp"
#include "model/release_id.hpp"
#include "model/service.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace tether {

/// `.tether/release.json` inside a release dir: what was installed, from where, and the hash
/// of every file tether vouches for, so drift can be detected later.
struct ReleaseRecord {
  std::string service;
  ReleaseId id;
  std::string binary_path;
  std::string artifact_url;
  std::string artifact_sha256;
  std::map<std::string, std::string> config_digests;  ///< target -> sha256 of content
  std::string state_commit;
  std::string installed_at;
  /// How this release was declared to run and be judged (absent in records of older agents).
  std::optional<RunSpec> run;
  std::optional<HealthSpec> health;
  // secrets (#23): targets decrypted at install. Their config_digests entry is the digest of
  // the ciphertext (what the config hash is over); no digest of the plaintext is kept anywhere.
  std::set<std::string> secret_targets = {};
  // -- issue #23, shared data (h/shared) --
  /// `spec.shared` as installed: the links this release dir holds (part of the config hash).
  SharedPaths shared = {};
  bool operator==(const ReleaseRecord&) const = default;
};

[[nodiscard]] std::string to_json_text(const ReleaseRecord& record);
[[nodiscard]] Result<ReleaseRecord> release_record_from_json(const std::string& text);
/// Reads `<release_dir>/.tether/release.json`.
[[nodiscard]] Result<ReleaseRecord> read_release_record(const std::filesystem::path& release_dir);

}  // namespace tether
