#pragma once

#include "apply/confined_dir.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"
#include "live/file_stamp.hpp"
#include "model/service.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tether {

/// One name an artifact unpacked to, relative to the release dir ('/'-separated).
struct ArtifactEntry {
  enum class Kind { dir, file, symlink };
  std::string path;
  Kind kind = Kind::file;
  unsigned mode = 0;   ///< a file's permission bits as unpacked
  long long size = 0;  ///< a file's size
  std::string sha256;  ///< a file's digest
  std::string target;  ///< a symlink's text
  bool operator==(const ArtifactEntry&) const = default;
};

/// What unpacking one artifact produced, before tether added config files, shared links and
/// its record: every dir, file (with its digest) and symlink, sorted by path. Kept by artifact
/// digest (`<root>/cache/artifact-trees/<sha256>.json`) so that a release of an artifact already
/// installed with other settings (a config-only change) is copied from the installed release, each
/// file checked against this list, instead of unpacking the archive again (issue #22).
struct ArtifactTree {
  std::vector<ArtifactEntry> entries;
  bool operator==(const ArtifactTree&) const = default;

  /// Bytes of all its files (what spec.release.limits.maxUnpackedMiB counts).
  [[nodiscard]] long long bytes() const;
};

[[nodiscard]] std::string to_json_text(const ArtifactTree& tree);
[[nodiscard]] Result<ArtifactTree> artifact_tree_from_json(const std::string& text);

/// The tree recorded for the artifact of digest `artifact_sha256`; nullopt when none is (or
/// it cannot be read: it is only a cache).
[[nodiscard]] std::optional<ArtifactTree> load_artifact_tree(const Layout& layout,
                                                             const std::string& artifact_sha256);
/// Records `tree` for that artifact (renamed into place: readers never see a torn record).
[[nodiscard]] Status save_artifact_tree(const Layout& layout,
                                        const std::string& artifact_sha256,
                                        const ArtifactTree& tree);

/// Lists `dir` as just unpacked (`.tether/` left out), hashing every regular file through
/// descriptors that follow no symlink. Anything but a dir, file or symlink is an error.
[[nodiscard]] Result<ArtifactTree> list_artifact_tree(const ConfinedDir& dir);

/// A file copy_artifact_tree wrote, by its path in the release: the digest of the bytes it
/// wrote and the file's stamp once written (its mode set). While the file has that stamp it
/// holds those bytes: the binary's check reads it again only when it does not (a config file
/// placed over it, say).
struct CopiedFile {
  FileStamp identity;
  std::string sha256;
};
using CopiedFiles = std::map<std::string, CopiedFile>;

/// Recreates `tree` in `to` (a fresh dir of the agent's own) from the release dir `from`: dirs
/// and symlinks as listed, each file as a new inode (never a hard link: the release `from`
/// may be serving, and nothing it writes may reach the new one) whose bytes are hashed as they
/// are copied and must match the list, with the listed mode. An Error (and a half-made `to`)
/// when a file differs, is missing, is or passes through a symlink, or the tree exceeds
/// `limits`: the caller unpacks the artifact instead. Each file written is added to `copied`
/// when given.
[[nodiscard]] Status copy_artifact_tree(const ArtifactTree& tree,
                                        const ConfinedDir& from,
                                        const ConfinedDir& to,
                                        const UnpackLimits& limits,
                                        CopiedFiles* copied = nullptr);

}  // namespace tether
