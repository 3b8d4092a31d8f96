#pragma once

#include "core/result.hpp"
#include "model/network_limits.hpp"
#include "model/service.hpp"

#include <filesystem>

namespace tether {

/// Returns the path of `<cache_dir>/<sha256>`, downloading the artifact first unless a verified
/// copy is cached: https or http through net/http_client under `limits` (connect timeout,
/// low-speed limit, a deadline scaled by the announced size, SIGTERM), or a regular file named
/// by a file:// URL (a FIFO, device or directory is refused). The digest is computed while the
/// bytes arrive; a mismatch deletes the download and fails, so nothing unverified is ever
/// unpacked.
[[nodiscard]] Result<std::filesystem::path> fetch_artifact(const Artifact& artifact,
                                                           const std::filesystem::path& cache_dir,
                                                           const NetworkLimits& limits = {});

}  // namespace tether
