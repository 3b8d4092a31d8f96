#pragma once

#include "core/result.hpp"

#include <filesystem>

namespace tether {

/// Unpacks a tar/tar.gz (any format libarchive reads) into the existing empty dir `dest`.
/// Refuses, with the entry's name in the error, anything that could land outside `dest`:
/// absolute paths, ".." components, symlinks or hard links pointing outside, device files.
/// Owners are not restored; permission bits are.
[[nodiscard]] Status unpack_archive(const std::filesystem::path& archive,
                                    const std::filesystem::path& dest);

/// True when `target`, taken relative to the directory `link_dir` (both relative to the
/// release root), stays inside that root. Exposed for tests.
[[nodiscard]] bool stays_inside(const std::filesystem::path& link_dir,
                                const std::filesystem::path& target);

}  // namespace tether
