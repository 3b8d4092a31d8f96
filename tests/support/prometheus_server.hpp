#pragma once

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tether::test {

/// A real Prometheus (Debian's /usr/bin/prometheus, scripts/install-deps.sh) on a free loopback
/// port with its own config and TSDB under `dir`, scraping `target` ("127.0.0.1:PORT", path
/// /metrics) every second with the label host=`host`. Started by the constructor, which waits
/// until it answers /-/ready (throws after 20 s); SIGTERMed (then SIGKILLed) and reaped by pid
/// at scope exit.
class PrometheusServer {
 public:
  /// One scrape target: its job, "127.0.0.1:PORT" (path /metrics) and its `host` label.
  struct Target {
    std::string job;
    std::string address;
    std::string host;
  };

  PrometheusServer(const std::filesystem::path& dir,
                   const std::string& target,
                   const std::string& host);
  /// Scrapes every one of `targets` every second (many agents and their services at once).
  PrometheusServer(const std::filesystem::path& dir, const std::vector<Target>& targets);
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  [[nodiscard]] int port() const { return m_port; }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  /// True once a scrape of the target succeeded (up == 1).
  [[nodiscard]] bool target_up() const;
  /// How many targets a scrape reached (sum(up)), 0 when none or unknown.
  [[nodiscard]] int targets_up() const;

 private:
  int m_port = 0;
  pid_t m_pid = 0;
};

}  // namespace tether::test
