#pragma once

#include "core/result.hpp"
#include "model/service.hpp"

#include <filesystem>

namespace tether {

/// Returns the path of `<cache_dir>/<sha256>`, downloading the artifact first (libcurl: https,
/// http or file URLs) unless a verified copy is cached. The digest is computed while the bytes
/// arrive; a mismatch deletes the download and fails, so nothing unverified is ever unpacked.
[[nodiscard]] Result<std::filesystem::path> fetch_artifact(const Artifact& artifact,
                                                           const std::filesystem::path& cache_dir);

}  // namespace tether
