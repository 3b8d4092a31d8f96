#pragma once

#include "report/agent_status.hpp"
#include "report/host_report.hpp"

#include <mutex>
#include <optional>
#include <string>

namespace tether {

/// What the agent last published about itself, written by the loop after each pass and read by
/// the API's threads: a GET /status renders these and probes nothing itself.
class StatusBoard {
 public:
  void publish(AgentStatus status) {
    std::lock_guard lock(m_mutex);
    m_status = std::move(status);
  }
  /// A pass that reused the last one (agent/quiet_poll): the services are as published (and
  /// as the health watch marked them since, which a reused pass found all healthy); only the
  /// pass's own fields change, without a copy of every service's status.
  void publish_repeat(const AgentStatus& status) {
    std::lock_guard lock(m_mutex);
    if (!m_status) {
      m_status = status;
      return;
    }
    m_status->desired_commit = status.desired_commit;
    m_status->tip_commit = status.tip_commit;
    m_status->pass_time = status.pass_time;
    m_status->outcome = status.outcome;
    m_status->problem = status.problem;
  }
  /// The host as the last pass left it (release dirs, processes, containers, journal).
  void publish_report(HostReport report) {
    std::lock_guard lock(m_mutex);
    m_report = std::move(report);
  }
  [[nodiscard]] std::optional<AgentStatus> latest() const {
    std::lock_guard lock(m_mutex);
    return m_status;
  }
  /// The health watch's verdict between passes: a converged service it holds unhealthy reads
  /// `unhealthy` (with why) until the next pass publishes; one healthy again reads converged.
  void set_health(const std::string& service, bool healthy, const std::string& why) {
    std::lock_guard lock(m_mutex);
    if (!m_status) return;
    const auto it = m_status->services.find(service);
    if (it == m_status->services.end()) return;
    ServiceStatus& status = it->second;
    if (!healthy && status.state == ServiceState::converged) {
      status.state = ServiceState::unhealthy;
      status.reason = why;
    } else if (healthy && status.state == ServiceState::unhealthy) {
      status.state = ServiceState::converged;
      status.reason.clear();
    }
  }
  [[nodiscard]] std::optional<HostReport> report() const {
    std::lock_guard lock(m_mutex);
    return m_report;
  }

 private:
  mutable std::mutex m_mutex;
  std::optional<AgentStatus> m_status;
  std::optional<HostReport> m_report;
};

}  // namespace tether
