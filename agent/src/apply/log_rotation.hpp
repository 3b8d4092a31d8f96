#pragma once

#include <cstdint>
#include <filesystem>

namespace tether {

/// Size-based rotation of a log that a running service keeps appending to: when `log` is
/// larger than `max_bytes`, it is copied to `log.1` (older copies shift to `.2` .. `.keep`,
/// the oldest is dropped) and truncated in place. Copy-and-truncate, not rename, because the
/// service holds the file open with O_APPEND and would go on writing into a renamed file.
/// Returns true when it rotated. Best effort: errors leave the log as it was.
bool rotate_log_if_large(const std::filesystem::path& log, std::uintmax_t max_bytes, int keep);

}  // namespace tether
