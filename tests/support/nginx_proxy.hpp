#pragma once

#include "process_guard.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace tether::test {

/// A real nginx on 127.0.0.1:`port` for a test: its prefix, nginx.conf, pid file, logs and the
/// tether upstream include file all in `dir`, run in the foreground as the test's child (not a
/// daemon of the system) with a master and two workers, and stopped at scope exit (SIGTERM to
/// the master, which stops its workers; a master killed outright leaves them). nginx.conf has
/// `upstream app { include <dir>/upstream.conf; }` and proxies every request to it.
class NginxProxy {
 public:
  /// Starts nginx with the upstream file pointing at 127.0.0.1:`upstream_port`; throws when
  /// nginx does not write its pid file within seconds (with its error log).
  NginxProxy(const std::filesystem::path& dir, int port, int upstream_port);
  ~NginxProxy();
  NginxProxy(const NginxProxy&) = delete;
  NginxProxy& operator=(const NginxProxy&) = delete;

  [[nodiscard]] std::filesystem::path upstream_file() const { return m_dir / "upstream.conf"; }
  [[nodiscard]] std::filesystem::path pid_file() const { return m_dir / "nginx.pid"; }
  [[nodiscard]] std::filesystem::path conf_file() const { return m_dir / "nginx.conf"; }
  [[nodiscard]] std::string error_log() const;
  [[nodiscard]] pid_t pid() const { return m_pid; }
  /// Makes nginx.conf invalid (nginx refuses it at its next reload) or valid again.
  void break_config(bool broken);

 private:
  std::string config(bool broken) const;

  std::filesystem::path m_dir;
  int m_port;
  pid_t m_pid = 0;
  ProcessGuard m_guard;
};

}  // namespace tether::test
