#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>

namespace tether {

/// The pid file of a supervised process. The start time (from /proc/<pid>/stat) makes the
/// record specific to one process: a PID reused by something else is never mistaken for ours.
struct ProcessRecord {
  pid_t pid = 0;
  unsigned long long start_time = 0;  ///< clock ticks since boot, field 22 of /proc/<pid>/stat
  std::string release_dir;            ///< dir name under releases/
  /// The fingerprint of the spec it was started with ("" in records of older agents).
  std::string fingerprint = {};
  /// Blue-green (h/bluegreen): the port it was handed (0: none, a restart-switched service).
  int port = 0;
  /// Socket hand-off: the listening sockets it was passed, "http=127.0.0.1:8080,..." ("": none).
  std::string sockets = {};
  bool operator==(const ProcessRecord&) const = default;
};

[[nodiscard]] Status write_process_record(const std::filesystem::path& file,
                                          const ProcessRecord& record);
/// nullopt when there is no pid file or it cannot be parsed (treated as "not running").
[[nodiscard]] std::optional<ProcessRecord> read_process_record(const std::filesystem::path& file);

/// Start time of `pid`, or nullopt if it is gone or a zombie. Never reaps: a caller that is
/// the parent can still collect the exit status.
[[nodiscard]] std::optional<unsigned long long> process_start_time(pid_t pid);

/// True when the process in `record` is still the one we started and has not exited. Reaps it
/// if it is an exited child of ours.
[[nodiscard]] bool is_alive(const ProcessRecord& record);

}  // namespace tether
