#pragma once

// The pure pieces of the nginx driver (nginx_upstream.cpp), tested with strings: the upstream
// include file tether writes and reads back, and what /proc says about nginx's processes.
#include "core/result.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace tether {

/// The line that marks a file as tether's to rewrite. The operator writes it when creating the
/// file (docs/zero-downtime.md); tether refuses to touch a file without it, so a manifest from
/// Git cannot make the root agent overwrite anything else (/etc/shadow, another app's config).
inline constexpr const char* k_nginx_upstream_marker = "# managed by tether";

/// What tether writes into the upstream include file for `port`: the marker line, a comment,
/// and `server 127.0.0.1:PORT;` (nginx's `upstream NAME { include FILE; }` includes it).
[[nodiscard]] std::string nginx_upstream_text(int port);

/// The port of a tether upstream file's text: blank lines and `#` comments, the marker line,
/// and exactly one `server 127.0.0.1:PORT;` line (nothing else: no second server, no
/// parameters). Errors name `path` and say what was expected.
[[nodiscard]] Result<int> parse_nginx_upstream(const std::string& text, const std::string& path);

/// A process as nginx's reload is judged: its pid and start time (together, an identity that
/// survives pid reuse).
using ProcessIdentity = std::pair<int, std::uint64_t>;

/// From /proc/PID/stat: the parent pid and the start time (clock ticks after boot), or nullopt
/// when the text is not a stat line. The command name may hold spaces and ')'.
struct ProcStat {
  int ppid = 0;
  std::uint64_t start_time = 0;
};
[[nodiscard]] std::optional<ProcStat> parse_proc_stat(const std::string& text);

/// What an nginx child process is, from its /proc/PID/cmdline (nginx rewrites its title).
enum class NginxChild {
  worker,         ///< "nginx: worker process": takes new connections
  shutting_down,  ///< "nginx: worker process is shutting down": finishes what it has
  other,          ///< cache manager, cache loader, anything else
};
[[nodiscard]] NginxChild classify_nginx_child(const std::string& cmdline);

/// Whether /proc/PID/cmdline is an nginx master's ("nginx: master process ...").
[[nodiscard]] bool is_nginx_master_cmdline(const std::string& cmdline);

/// After SIGHUP, has nginx taken the new configuration? `before`: the master's children when
/// the signal was sent; `workers_now`: its children that are `NginxChild::worker` now. Done
/// when a new worker runs and none of `before` still takes connections (nginx keeps its old
/// workers when it refuses a configuration).
[[nodiscard]] bool nginx_reloaded(const std::set<ProcessIdentity>& before,
                                  const std::set<ProcessIdentity>& workers_now);

}  // namespace tether
