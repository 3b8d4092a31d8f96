#pragma once

#include "core/result.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace tether {

/// Reads a whole file. Errors name the path and the OS reason.
[[nodiscard]] Result<std::string> read_file(const std::filesystem::path& path);

/// Writes `content` to a temp file beside `path`, fsyncs it, renames it over `path` and
/// fsyncs the directory: readers see the old or the new content, never a torn file.
[[nodiscard]] Status write_file_atomic(const std::filesystem::path& path,
                                       const std::string& content);

/// The same rename over `path` (readers never see a torn file) without the fsyncs, for files
/// whose loss in a power cut costs only a redo: caches and reports that the next pass
/// rewrites (the hash cache, `tether status`'s last pass, a clean-stop proof). After a power
/// cut such a file may hold its previous content, or be empty: its reader must cope.
[[nodiscard]] Status replace_file(const std::filesystem::path& path, const std::string& content);

/// Writes a file (no rename) and fsyncs it; for files inside a dir that is renamed later.
[[nodiscard]] Status write_file_synced(const std::filesystem::path& path,
                                       const std::string& content,
                                       unsigned mode = 0644);

/// fsync(2) on a file or directory, so a rename or a new entry survives a power cut.
[[nodiscard]] Status fsync_path(const std::filesystem::path& path);

/// Appends one line and fsyncs: for the journal.
[[nodiscard]] Status append_line_synced(const std::filesystem::path& path, const std::string& line);

/// Creates `dir` and its parents; errors name the path.
[[nodiscard]] Status make_dirs(const std::filesystem::path& dir);

/// Current UTC time as RFC 3339 with milliseconds: "2026-11-23T07:08:14.123Z".
[[nodiscard]] std::string now_rfc3339();
/// `time` as now_rfc3339() writes it (UTC, milliseconds, fixed width): two such texts order
/// as the times do.
[[nodiscard]] std::string rfc3339_of(std::chrono::system_clock::time_point time);

/// "<strerror(errno)>" for the calling thread's errno.
[[nodiscard]] std::string errno_text();

}  // namespace tether
