#pragma once

// Reading the state repo's files at one commit from its Git tree (libgit2). Included only by
// the libgit2 adapters (GitSource, the review repo), so libgit2 stays inside them.

#include "core/result.hpp"
#include "model/snapshot.hpp"

#include <git2.h>

#include <cstddef>
#include <string>

namespace tether {

/// What reading one commit may cost. A state repo holds manifests and config files: anything
/// beyond these is refused whole, with the file or dir and the limit in the error, before it
/// is read into memory.
struct TreeLimits {
  static constexpr size_t k_mib = 1024 * 1024;
  size_t max_file_bytes = 8 * k_mib;  ///< one blob
  size_t max_total_bytes =
      64 * k_mib;               ///< every blob read, added up (a blob read twice counts twice)
  size_t max_entries = 20'000;  ///< tree entries walked under services/, hosts/, config/
  size_t max_depth = 16;        ///< dirs nested below the top-level dir
};

/// The files under services/, hosts/ and config/ at `commit_hex` (40 hex) in `repo`. Symlinks
/// are listed in `symlinks`, never read; submodules are skipped. Blob sizes are read from
/// object headers first, so an oversized blob is refused without being inflated. Each file's
/// blob id is recorded in `blob_ids`; a blob that `previous` (an earlier snapshot of the same
/// repo) holds at the same path is taken from it instead of being inflated again, and counts
/// against the limits the same.
[[nodiscard]] Result<StateSnapshot> read_tree_snapshot(git_repository* repo,
                                                       const std::string& commit_hex,
                                                       const TreeLimits& limits = {},
                                                       const StateSnapshot* previous = nullptr);

}  // namespace tether
