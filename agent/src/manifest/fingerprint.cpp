#include "manifest/fingerprint.hpp"

#include "core/overloaded.hpp"
#include "core/sha256.hpp"

namespace tether {
namespace {

/// Length-prefixed fields: no value can be read as another's delimiter, whatever bytes the
/// manifest holds (the encoding never needs to be valid UTF-8 or JSON).
class Encoder {
 public:
  void add(std::string_view key, std::string_view value) {
    m_sha.update(key);
    m_sha.update(std::string(1, '\0') + std::to_string(value.size()) + ':');
    m_sha.update(value);
  }
  void add(std::string_view key, long long value) { add(key, std::to_string(value)); }
  void add(std::string_view key, const std::vector<std::string>& values) {
    add(key, static_cast<long long>(values.size()));
    for (const std::string& value : values) add("-", value);
  }
  void add(std::string_view key, const StringMap& values) {
    add(key, static_cast<long long>(values.size()));
    for (const auto& [name, value] : values) {
      add("k", name);
      add("v", value);
    }
  }
  [[nodiscard]] std::string hex() { return m_sha.hex(); }

 private:
  Sha256 m_sha;
};

void encode_run(const RunSpec& run, Encoder& out) {
  std::visit(Overloaded{
                 [&](const SystemdRun& unit) { out.add("run.systemd", unit.unit); },
                 [&](const ExecRun& exec) {
                   out.add("run.exec.command", exec.command);
                   out.add("run.exec.env", exec.env);
                   out.add("run.exec.stopTimeout", exec.stop_timeout.count());
                 },
             },
             run);
}

/// `health.<kind>.<field>` for each of the probe's fields: the encoding of the per-kind
/// encoders this replaced, byte for byte (fingerprint_test pins it).
void encode_probe(const Probe& probe, Encoder& out) {
  std::visit(
      [&]<class Kind>(const Kind& kind) {
        for_each_field<Kind>([&](const auto& field) {
          out.add(std::string("health.") + Kind::k_key + "." + field.key, kind.*field.member);
        });
      },
      probe);
}

void encode_health(const HealthSpec& health, Encoder& out) {
  encode_probe(health.probe, out);
  out.add("health.timeout", health.timeout.count());
  out.add("health.interval", health.interval.count());
  out.add("health.deadline", health.deadline.count());
  out.add("health.initialDelay", health.initial_delay.count());
  out.add("health.successes", health.successes);
  out.add("health.failureThreshold", health.failure_threshold);
}

void encode_container(const ContainerSpec& container, Encoder& out) {
  out.add("container.image", container.image);
  out.add("container.name", container.name);
  out.add("container.args", container.args);
  out.add("container.env", container.env);
  out.add("container.ports", container.ports);
  out.add("container.volumes", container.volumes);
  out.add("container.user", container.user);
  out.add("container.stopTimeout", container.stop_timeout.count());
}

}  // namespace

std::string fingerprint_of(const RuntimeSpec& spec) {
  Encoder out;
  out.add("release", spec.release);
  if (spec.run) encode_run(*spec.run, out);
  if (spec.health) encode_health(*spec.health, out);
  if (spec.container) encode_container(*spec.container, out);
  if (spec.runtime) out.add("runtime", runtime_name(*spec.runtime));
  return out.hex();
}

}  // namespace tether
