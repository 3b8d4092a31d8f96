#pragma once

#include "apply/confined_dir.hpp"
#include "core/result.hpp"
#include "model/service.hpp"

#include <filesystem>

namespace tether {

/// Unpacks a tar/tar.gz/zip (any format libarchive reads) into `dest`, a directory the agent
/// created, writing only through its descriptors: no symlink, hard link or name in the
/// archive can make a write land outside it or on a file unpacked earlier.
/// Refuses the whole archive, with the entry's name in the error, when an entry:
/// - is absolute, contains "..", or names the dir itself ("." , "./") without being a dir;
/// - is under `.tether/` (the agent's own metadata);
/// - is a symlink whose target is absolute or climbs out, a hard link to anything but a
///   regular file unpacked before it, a device, fifo or socket;
/// - would pass through a symlink or a file on its way;
/// - would take the release past `limits` (entries, or bytes unpacked: sizes are counted
///   while writing, so a lying header does not help).
/// Modes: a file keeps only its read and execute bits (no write for anyone, no setuid, setgid
/// or sticky); dirs are 0755; owners are not restored (the agent owns everything).
[[nodiscard]] Status unpack_archive(const std::filesystem::path& archive,
                                    const ConfinedDir& dest,
                                    const UnpackLimits& limits = {});

/// The same into the existing directory `dest` (opened without following a final symlink).
[[nodiscard]] Status unpack_archive(const std::filesystem::path& archive,
                                    const std::filesystem::path& dest,
                                    const UnpackLimits& limits = {});

/// True when `target`, taken relative to the directory `link_dir` (both relative to the
/// release root), stays inside that root. Exposed for tests.
[[nodiscard]] bool stays_inside(const std::filesystem::path& link_dir,
                                const std::filesystem::path& target);

/// The mode a regular file gets from the archive's `mode`: read and execute bits only.
[[nodiscard]] constexpr unsigned unpacked_file_mode(unsigned mode) { return mode & 0555U; }

}  // namespace tether
