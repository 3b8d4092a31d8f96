#include "report/status_json.hpp"

#include <algorithm>

namespace tether {
namespace {

nlohmann::json declared_json(const DeclaredRelease& release) {
  nlohmann::json json = nlohmann::json::object();
  if (!release.version.empty()) json["version"] = release.version;
  if (!release.commit.empty()) json["commit"] = release.commit;
  if (!release.image.empty()) json["image"] = release.image;
  return json;
}

nlohmann::json wave_json(const WaveView& wave) {
  nlohmann::json json = {
      {"wave", wave.wave},
      {"waves", wave.waves},
      {"percent", wave.percent},
      {"dueAt", wave.due_at},
      {"waiting", wave.waiting.empty() ? nlohmann::json() : nlohmann::json(wave.waiting)}};
  if (!wave.since_commit.empty()) json["sinceCommit"] = wave.since_commit;
  return json;
}

void add_agent_view(nlohmann::json& service, const ServiceStatus* status) {
  if (status == nullptr) {
    // Live on disk but no longer declared for this host (another selector, a smaller
    // rollout share): tether leaves it as it is.
    service["desired"] = nullptr;
    service["state"] = "undeclared";
    return;
  }
  service["desired"] = declared_json(status->desired);
  service["state"] = to_string(status->state);
  if (!status->error.empty()) service["lastError"] = status->error;
  if (!status->blocked_on.empty()) service["blockedOn"] = status->blocked_on;
  if (!status->reason.empty()) service["reason"] = status->reason;
  if (!status->recovered_at.empty()) service["recoveredAt"] = status->recovered_at;
  if (const auto& hold = status->suspended) {
    service["suspended"] = {{"reason", hold->reason}, {"source", hold->source}};
    if (!hold->since.empty()) service["suspended"]["since"] = hold->since;
    if (!hold->until.empty()) service["suspended"]["until"] = hold->until;
  }
  if (const auto& wave = status->wave) service["wave"] = wave_json(*wave);
}

}  // namespace

nlohmann::json status_json(const HostReport& report, const AgentStatus* agent) {
  nlohmann::json json = report_json(report);
  if (agent == nullptr) return json;
  json["host"] = agent->host;
  json["labels"] = agent->labels;
  json["desiredCommit"] = agent->desired_commit;
  json["tipCommit"] = agent->tip_commit;
  json["lastPass"] = nullptr;  // the agent has not finished a pass yet
  if (!agent->pass_time.empty()) {
    json["lastPass"] = {{"time", agent->pass_time}, {"outcome", agent->outcome}};
    if (!agent->problem.empty()) json["lastPass"]["problem"] = agent->problem;
  }
  nlohmann::json& services = json["services"];
  std::map<std::string, bool> listed;
  for (nlohmann::json& service : services) {
    const std::string name = service["service"].get<std::string>();
    listed[name] = true;
    const auto it = agent->services.find(name);
    add_agent_view(service, it == agent->services.end() ? nullptr : &it->second);
  }
  for (const auto& [name, status] : agent->services) {
    if (listed.count(name) != 0) continue;
    nlohmann::json service = {
        {"service", name}, {"process", "not running"}, {"current", nullptr}, {"installed", 0}};
    add_agent_view(service, &status);
    services.push_back(std::move(service));
  }
  std::sort(services.begin(), services.end(), [](const auto& a, const auto& b) {
    return a["service"].template get<std::string>() < b["service"].template get<std::string>();
  });
  return json;
}

}  // namespace tether
