#include "prometheus_server.hpp"

#include "command.hpp"

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <sys/wait.h>

namespace tether::test {

PrometheusServer::PrometheusServer(const std::filesystem::path& dir,
                                   const std::string& target,
                                   const std::string& host) {
  std::filesystem::create_directories(dir / "tsdb");
  const std::filesystem::path config = dir / "prometheus.yml";
  std::ofstream(config) << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                        << "scrape_configs:\n"
                        << "  - job_name: hello\n"
                        << "    scrape_timeout: 900ms\n"
                        << "    static_configs:\n"
                        << "      - targets: [\"" << target << "\"]\n"
                        << "        labels: {host: \"" << host << "\"}\n";
  m_port = free_port();
  m_pid = spawn_background({"/usr/bin/prometheus",
                            "--config.file=" + config.string(),
                            "--storage.tsdb.path=" + (dir / "tsdb").string(),
                            "--web.listen-address=127.0.0.1:" + std::to_string(m_port),
                            "--log.level=warn"},
                           dir / "prometheus.log");
  if (!eventually([&] { return http_get(m_port, "/-/ready").find("Ready") != std::string::npos; },
                  std::chrono::seconds(20))) {
    throw std::runtime_error("prometheus did not get ready on port " + std::to_string(m_port) +
                             "; see " + (dir / "prometheus.log").string());
  }
}

PrometheusServer::~PrometheusServer() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  const bool ended = eventually([&] { return ::waitpid(m_pid, &status, WNOHANG) == m_pid; },
                                std::chrono::seconds(10));
  if (!ended) {
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, &status, 0);
  }
}

bool PrometheusServer::target_up() const {
  return http_get(m_port, "/api/v1/query?query=up%3D%3D1").find("\"value\"") != std::string::npos;
}

}  // namespace tether::test
