#include "live/spec_json.hpp"

namespace tether {
namespace {

Millis ms(const nlohmann::json& json, const char* key, Millis fallback) {
  return json.contains(key) ? Millis(json.at(key).get<long long>()) : fallback;
}

}  // namespace

nlohmann::json run_to_json(const RunSpec& run) {
  if (const auto* unit = std::get_if<SystemdRun>(&run)) return {{"systemd", unit->unit}};
  const auto& exec = std::get<ExecRun>(run);
  return {{"exec",
           {{"command", exec.command},
            {"env", exec.env},
            {"stopTimeoutMs", exec.stop_timeout.count()}}}};
}

std::optional<RunSpec> run_from_json(const nlohmann::json& json) {
  try {
    if (json.contains("systemd")) return RunSpec{SystemdRun{json.at("systemd").get<std::string>()}};
    const auto& exec = json.at("exec");
    return RunSpec{ExecRun{exec.at("command").get<std::vector<std::string>>(),
                           exec.value("env", StringMap{}),
                           ms(exec, "stopTimeoutMs", std::chrono::seconds(10))}};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

nlohmann::json health_to_json(const HealthSpec& health) {
  nlohmann::json json = {{"timeoutMs", health.timeout.count()},
                         {"intervalMs", health.interval.count()},
                         {"deadlineMs", health.deadline.count()},
                         {"initialDelayMs", health.initial_delay.count()},
                         {"successes", health.successes},
                         {"failureThreshold", health.failure_threshold}};
  if (const auto* http = std::get_if<HttpProbe>(&health.probe)) {
    json["http"] = {{"url", http->url}, {"status", http->status}, {"body", http->body}};
  } else if (const auto* tcp = std::get_if<TcpProbe>(&health.probe)) {
    json["tcp"] = {{"address", tcp->address}};
  } else {
    json["exec"] = {{"command", std::get<ExecProbe>(health.probe).command}};
  }
  return json;
}

std::optional<HealthSpec> health_from_json(const nlohmann::json& json) {
  try {
    HealthSpec health;
    if (json.contains("http")) {
      const auto& http = json.at("http");
      health.probe = HttpProbe{
          http.at("url").get<std::string>(), http.value("status", 200), http.value("body", "")};
    } else if (json.contains("tcp")) {
      health.probe = TcpProbe{json.at("tcp").at("address").get<std::string>()};
    } else {
      health.probe = ExecProbe{json.at("exec").at("command").get<std::vector<std::string>>()};
    }
    health.timeout = ms(json, "timeoutMs", health.timeout);
    health.interval = ms(json, "intervalMs", health.interval);
    health.deadline = ms(json, "deadlineMs", health.deadline);
    health.initial_delay = ms(json, "initialDelayMs", health.initial_delay);
    health.successes = json.value("successes", health.successes);
    health.failure_threshold = json.value("failureThreshold", health.failure_threshold);
    return health;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

nlohmann::json container_to_json(const ContainerSpec& container) {
  return {{"image", container.image},
          {"name", container.name},
          {"args", container.args},
          {"env", container.env},
          {"ports", container.ports},
          {"volumes", container.volumes},
          {"user", container.user},
          {"stopTimeoutMs", container.stop_timeout.count()}};
}

std::optional<ContainerSpec> container_from_json(const nlohmann::json& json) {
  try {
    ContainerSpec container;
    container.image = json.at("image").get<std::string>();
    container.name = json.value("name", "");
    container.args = json.value("args", std::vector<std::string>{});
    container.env = json.value("env", StringMap{});
    container.ports = json.value("ports", std::vector<std::string>{});
    container.volumes = json.value("volumes", std::vector<std::string>{});
    container.user = json.value("user", "");
    container.stop_timeout = ms(json, "stopTimeoutMs", container.stop_timeout);
    return container;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace tether
