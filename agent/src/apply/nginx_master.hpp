#pragma once

#include "apply/nginx_upstream.hpp"
#include "core/duration.hpp"
#include "core/result.hpp"

#include <set>
#include <string>

namespace tether {

/// The nginx master process an nginx pid file names, checked to be one, and its graceful
/// reload without a shell: SIGHUP, then /proc shows whether nginx took the new configuration.
class NginxMaster {
 public:
  /// Reads `pid_file` (a regular file of at most 32 bytes holding a decimal pid; not a FIFO, a
  /// device or a directory) and checks that the process is an nginx master: /proc/PID/exe is
  /// an `nginx` binary and its title is "nginx: master process ...". So a pid file from a
  /// manifest can make the agent signal an nginx master and nothing else.
  [[nodiscard]] static Result<NginxMaster> find(const std::string& pid_file);

  /// The master's workers that take new connections now (not the ones shutting down).
  [[nodiscard]] Result<std::set<ProcessIdentity>> workers() const;
  /// All of the master's children (workers, cache processes, one just forked that has no
  /// title yet): what reload() must not mistake for a new worker.
  [[nodiscard]] Result<std::set<ProcessIdentity>> children() const;

  /// Sends SIGHUP and waits until nginx started new workers (processes not in `before`, its
  /// children() when the file was written) and none of `before` takes connections any more:
  /// then new connections see the configuration on disk. nginx keeps its
  /// old workers when it refuses a configuration: after `deadline` that is an error that says
  /// so. SIGTERM ends the wait with stop_requested_error(); a master that goes away, too.
  [[nodiscard]] Status reload(const std::set<ProcessIdentity>& before, Millis deadline) const;

  [[nodiscard]] int pid() const { return m_pid; }
  /// "nginx master 1234 (pid file /run/nginx.pid)".
  [[nodiscard]] std::string describe() const;

 private:
  NginxMaster(std::string pid_file, int pid, std::uint64_t start_time)
      : m_pid_file(std::move(pid_file)), m_pid(pid), m_start_time(start_time) {}

  /// The master's children; with `workers_only`, only those taking new connections.
  [[nodiscard]] Result<std::set<ProcessIdentity>> scan(bool workers_only) const;
  /// Whether the process behind m_pid is still the master found (not a reused pid).
  [[nodiscard]] bool alive() const;

  std::string m_pid_file;
  int m_pid;
  std::uint64_t m_start_time;
};

}  // namespace tether
