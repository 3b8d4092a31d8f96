#include "prometheus_server.hpp"

#include "command.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <stdexcept>
#include <sys/wait.h>

namespace tether::test {

PrometheusServer::PrometheusServer(const std::filesystem::path& dir,
                                   const std::string& target,
                                   const std::string& host)
    : PrometheusServer(dir, std::vector<Target>{{"hello", target, host}}) {}

PrometheusServer::PrometheusServer(const std::filesystem::path& dir,
                                   const std::vector<Target>& targets) {
  std::filesystem::create_directories(dir / "tsdb");
  const std::filesystem::path config = dir / "prometheus.yml";
  std::map<std::string, std::vector<const Target*>> jobs;
  for (const Target& target : targets) jobs[target.job].push_back(&target);
  std::ofstream out(config);
  out << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
      << "scrape_configs:\n";
  for (const auto& [job, members] : jobs) {
    out << "  - job_name: " << job << "\n"
        << "    scrape_timeout: 900ms\n"
        << "    static_configs:\n";
    for (const Target* target : members) {
      out << "      - targets: [\"" << target->address << "\"]\n"
          << "        labels: {host: \"" << target->host << "\"}\n";
    }
  }
  out.close();
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

int PrometheusServer::targets_up() const {
  const std::string body = http_get(m_port, "/api/v1/query?query=sum(up)");
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.contains("data")) return 0;
  const auto& result = json["data"]["result"];
  if (!result.is_array() || result.empty()) return 0;
  return std::stoi(result[0]["value"][1].get<std::string>());
}

bool PrometheusServer::target_up() const {
  return http_get(m_port, "/api/v1/query?query=up%3D%3D1").find("\"value\"") != std::string::npos;
}

}  // namespace tether::test
