#include "live/spec_json.hpp"

#include "core/overloaded.hpp"

namespace tether {
namespace {

Millis ms(const nlohmann::json& record, const char* key, Millis fallback) {
  return record.contains(key) ? Millis(record.at(key).get<long long>()) : fallback;
}

// A probe's fields in the serving record, and back, as its `k_fields` describe them
// (nlohmann throws on a missing or mistyped field; health_from_json catches it).

template <class Kind>
nlohmann::json probe_fields(const Kind& kind) {
  nlohmann::json record = nlohmann::json::object();
  for_each_field<Kind>([&](const auto& field) { record[field.key] = kind.*field.member; });
  return record;
}

template <class Kind>
Kind probe_from(std::type_identity<Kind>, const nlohmann::json& record) {
  Kind kind;
  for_each_field<Kind>([&](const auto& field) {
    using Value = std::remove_cvref_t<decltype(kind.*field.member)>;
    // An optional field an older agent did not write keeps the struct's default.
    if (field.presence == FieldPresence::required || record.contains(field.key))
      kind.*field.member = record.at(field.key).template get<Value>();
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

std::optional<RunSpec> run_from_json(const nlohmann::json& record) {
  try {
    if (record.contains("systemd"))
      return RunSpec{SystemdRun{record.at("systemd").get<std::string>()}};
    const auto& exec = record.at("exec");
    return RunSpec{ExecRun{exec.at("command").get<std::vector<std::string>>(),
                           exec.value("env", StringMap{}),
                           ms(exec, "stopTimeoutMs", std::chrono::seconds(10))}};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

nlohmann::json health_to_json(const HealthSpec& health) {
  nlohmann::json record = {{"timeoutMs", health.timeout.count()},
                           {"intervalMs", health.interval.count()},
                           {"deadlineMs", health.deadline.count()},
                           {"initialDelayMs", health.initial_delay.count()},
                           {"successes", health.successes},
                           {"failureThreshold", health.failure_threshold}};
  record[probe_key(health.probe)] =
      std::visit([](const auto& probe) { return probe_fields(probe); }, health.probe);
  return record;
}

std::optional<HealthSpec> health_from_json(const nlohmann::json& record) {
  try {
    HealthSpec health;
    const bool known = for_each_probe_kind([&]<class Kind>(std::type_identity<Kind> kind) {
      if (!record.contains(Kind::k_key)) return false;
      health.probe = probe_from(kind, record.at(Kind::k_key));
      return true;
    });
    if (!known) return std::nullopt;
    health.timeout = ms(record, "timeoutMs", health.timeout);
    health.interval = ms(record, "intervalMs", health.interval);
    health.deadline = ms(record, "deadlineMs", health.deadline);
    health.initial_delay = ms(record, "initialDelayMs", health.initial_delay);
    health.successes = record.value("successes", health.successes);
    health.failure_threshold = record.value("failureThreshold", health.failure_threshold);
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

std::optional<ContainerSpec> container_from_json(const nlohmann::json& record) {
  try {
    ContainerSpec container;
    container.image = record.at("image").get<std::string>();
    container.name = record.value("name", "");
    container.args = record.value("args", std::vector<std::string>{});
    container.env = record.value("env", StringMap{});
    container.ports = record.value("ports", std::vector<std::string>{});
    container.volumes = record.value("volumes", std::vector<std::string>{});
    container.user = record.value("user", "");
    container.stop_timeout = ms(record, "stopTimeoutMs", container.stop_timeout);
    return container;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace tether
