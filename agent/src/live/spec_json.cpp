#include "live/spec_json.hpp"

#include "core/overloaded.hpp"

namespace tether {
namespace {

Millis ms(const nlohmann::json& json, const char* key, Millis fallback) {
  return json.contains(key) ? Millis(json.at(key).get<long long>()) : fallback;
}

// A probe's fields in the serving record, and back, as its `k_fields` describe them
// (nlohmann throws on a missing or mistyped field; health_from_json catches it).

template <class Kind>
nlohmann::json probe_fields(const Kind& kind) {
  nlohmann::json json = nlohmann::json::object();
  for_each_field<Kind>([&](const auto& field) { json[field.key] = kind.*field.member; });
  return json;
}

template <class Kind>
Kind probe_from(std::type_identity<Kind>, const nlohmann::json& json) {
  Kind kind;
  for_each_field<Kind>([&](const auto& field) {
    using Value = std::remove_cvref_t<decltype(kind.*field.member)>;
    // An optional field an older agent did not write keeps the struct's default.
    if (field.presence == FieldPresence::required || json.contains(field.key))
      kind.*field.member = json.at(field.key).template get<Value>();
  });
  return kind;
}

}  // namespace

nlohmann::json run_to_json(const RunSpec& run) {
  return std::visit(Overloaded{
                        [](const SystemdRun& unit) -> nlohmann::json {
                          return {{"systemd", unit.unit}};
                        },
                        [](const ExecRun& exec) -> nlohmann::json {
                          return {{"exec",
                                   {{"command", exec.command},
                                    {"env", exec.env},
                                    {"stopTimeoutMs", exec.stop_timeout.count()}}}};
                        },
                    },
                    run);
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
  json[probe_key(health.probe)] =
      std::visit([](const auto& probe) { return probe_fields(probe); }, health.probe);
  return json;
}

std::optional<HealthSpec> health_from_json(const nlohmann::json& json) {
  try {
    HealthSpec health;
    const bool known = for_each_probe_kind([&]<class Kind>(std::type_identity<Kind> kind) {
      if (!json.contains(Kind::k_key)) return false;
      health.probe = probe_from(kind, json.at(Kind::k_key));
      return true;
    });
    if (!known) return std::nullopt;
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
