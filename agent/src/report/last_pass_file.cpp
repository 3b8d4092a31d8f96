#include "report/last_pass_file.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"

namespace tether {
namespace {

ServiceState state_named(const std::string& name) {
  for (ServiceState s : {ServiceState::converged,
                         ServiceState::failed,
                         ServiceState::quarantined,
                         ServiceState::blocked,
                         ServiceState::degraded,
                         ServiceState::unhealthy,
                         ServiceState::suspended,
                         ServiceState::pending}) {
    if (name == to_string(s)) return s;
  }
  return ServiceState::pending;
}

nlohmann::json to_json(const AgentStatus& status) {
  nlohmann::json json = last_pass_json(status);
  json["host"] = status.host;
  json["desiredCommit"] = status.desired_commit;
  if (!status.tip_commit.empty()) json["tipCommit"] = status.tip_commit;
  json["services"] = nlohmann::json::object();
  for (const auto& [name, service] : status.services) {
    nlohmann::json& entry = json["services"][name];
    entry = {{"state", to_string(service.state)}, {"error", service.error}};
    if (!service.blocked_on.empty()) entry["blockedOn"] = service.blocked_on;
    if (!service.reason.empty()) entry["reason"] = service.reason;
    if (!service.recovered_at.empty()) entry["recoveredAt"] = service.recovered_at;
    if (!service.strategy.empty()) entry["strategy"] = service.strategy;
    if (service.suspended) {
      entry["suspended"] = {{"reason", service.suspended->reason},
                            {"source", service.suspended->source},
                            {"since", service.suspended->since},
                            {"until", service.suspended->until}};
    }
    if (const auto& wave = service.wave) {
      entry["wave"] = {{"wave", wave->wave},
                       {"waves", wave->waves},
                       {"percent", wave->percent},
                       {"dueAt", wave->due_at},
                       {"sinceCommit", wave->since_commit},
                       {"waiting", wave->waiting}};
    }
  }
  return json;
}

AgentStatus from_json(const nlohmann::json& json) {
  AgentStatus status;
  status.host = json.value("host", "");
  status.desired_commit = json.value("desiredCommit", "");
  status.tip_commit = json.value("tipCommit", "");
  status.pass_time = json.value("time", "");
  status.outcome = json.value("outcome", "");
  status.problem = json.value("problem", "");
  const nlohmann::json services = json.value("services", nlohmann::json::object());
  for (const auto& [name, service] : services.items()) {
    ServiceStatus& s = status.services[name];
    s.state = state_named(service.value("state", ""));
    s.error = service.value("error", "");
    s.blocked_on = service.value("blockedOn", "");
    s.reason = service.value("reason", "");
    s.recovered_at = service.value("recoveredAt", "");
    s.strategy = service.value("strategy", "");
    if (const auto hold = service.find("suspended"); hold != service.end() && hold->is_object()) {
      s.suspended = Suspension{hold->value("reason", ""),
                               hold->value("source", ""),
                               hold->value("since", ""),
                               hold->value("until", "")};
    }
    if (const auto wave = service.find("wave"); wave != service.end() && wave->is_object()) {
      s.wave = WaveView{wave->value("wave", 1),
                        wave->value("waves", 1),
                        wave->value("percent", 100),
                        wave->value("dueAt", ""),
                        wave->value("sinceCommit", ""),
                        wave->value("waiting", "")};
    }
  }
  return status;
}

/// a == b, the services aside.
bool same_but_services(const AgentStatus& a, const AgentStatus& b) {
  return a.host == b.host && a.labels == b.labels && a.desired_commit == b.desired_commit &&
         a.pass_time == b.pass_time && a.outcome == b.outcome && a.problem == b.problem &&
         a.tip_commit == b.tip_commit;
}

}  // namespace

nlohmann::json last_pass_json(const AgentStatus& status) {
  nlohmann::json json = {{"time", status.pass_time}, {"outcome", status.outcome}};
  if (!status.problem.empty()) json["problem"] = status.problem;
  return json;
}

void LastPassFile::save(const AgentStatus& status, bool same_services) {
  // Compared in place, the time aside: a daemon's quiet polls land here every interval, and a
  // copy of a status with many services would be most of what such a poll costs. Nor are the
  // services compared when the caller knows they did not change since the last save.
  if (m_saved) {
    m_saved->pass_time = status.pass_time;
    const bool same = same_services && m_saved_last_call ? same_but_services(*m_saved, status)
                                                         : *m_saved == status;
    if (same) {
      m_saved_last_call = true;
      return;
    }
  }
  AgentStatus kept = status;
  Status saved = make_dirs(m_path.parent_path());
  // No fsync: a report the next pass rewrites (load() ignores a damaged one).
  if (saved) saved = replace_file(m_path, json_text(to_json(status)) + "\n");
  m_saved_last_call = saved.ok();
  if (saved) {
    m_saved = std::move(kept);
    m_warned = false;
  } else if (!m_warned) {
    m_warned = true;
    log_warn("cannot record the last pass for `tether status`",
             {{"error", saved.error().describe()}});
  }
}

std::optional<AgentStatus> LastPassFile::load() const {
  auto text = read_file(m_path);
  if (!text) return std::nullopt;
  try {
    return from_json(nlohmann::json::parse(*text));
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged file says nothing; the next pass rewrites it
  }
}

}  // namespace tether
