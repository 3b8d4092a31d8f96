#pragma once

// One file along a commit's first-parent history (libgit2). Included only by the libgit2
// adapters, so libgit2 stays inside them.

#include "core/result.hpp"
#include "source/state_source.hpp"

#include <git2.h>

#include <string>
#include <vector>

namespace tether {

/// `path` at `tip` and its first parents, newest first, at most `limit` commits. A blob
/// larger than `max_blob_bytes` is an error naming it. Content is read only where the blob id
/// changes (FileVersion::content).
[[nodiscard]] Result<std::vector<FileVersion>> read_file_history(git_repository* repo,
                                                                 const git_oid& tip,
                                                                 const std::string& path,
                                                                 size_t limit,
                                                                 size_t max_blob_bytes);

}  // namespace tether
