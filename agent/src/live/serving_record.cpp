#include "live/serving_record.hpp"

#include "core/files.hpp"
#include "live/spec_json.hpp"

#include <nlohmann/json.hpp>

namespace tether {
namespace {

using nlohmann::json;

json release_json(const ReleaseId& id) {
  return {{"version", id.version},
          {"commit", id.commit},
          {"binarySha256", id.binary_sha256},
          {"configHash", id.config_hash}};
}

ReleaseId release_from(const json& j) {
  return ReleaseId{j.at("version").get<std::string>(),
                   j.at("commit").get<std::string>(),
                   j.at("binarySha256").get<std::string>(),
                   j.at("configHash").get<std::string>()};
}

json spec_json(const RuntimeSpec& spec) {
  json out = {{"release", spec.release}};
  if (spec.run) out["run"] = run_to_json(*spec.run);
  if (spec.health) out["health"] = health_to_json(*spec.health);
  if (spec.container) out["container"] = container_to_json(*spec.container);
  if (spec.runtime) out["runtime"] = runtime_name(*spec.runtime);
  return out;
}

/// nullopt when a part that is present cannot be read back.
std::optional<RuntimeSpec> spec_from(const json& j) {
  RuntimeSpec spec;
  spec.release = j.at("release").get<std::string>();
  if (j.contains("run") && !(spec.run = run_from_json(j.at("run")))) return std::nullopt;
  if (j.contains("health") && !(spec.health = health_from_json(j.at("health"))))
    return std::nullopt;
  if (j.contains("container") && !(spec.container = container_from_json(j.at("container"))))
    return std::nullopt;
  if (j.contains("runtime")) {
    // Records written before a runtime was known to this agent read as podman, as they always
    // have: a record never names a runtime the agent did not write.
    spec.runtime =
        runtime_named(j.at("runtime").get<std::string>()).value_or(ContainerRuntime::podman);
  }
  return spec;
}

}  // namespace

fs::path serving_record_path(const Layout& layout, const std::string& service) {
  return layout.service_dir(service) / "serving.json";
}

Status write_serving_record(const Layout& layout,
                            const std::string& service,
                            const ServingRecord& record) {
  const json out = {{"release", release_json(record.release)},
                    {"fingerprint", record.fingerprint},
                    {"spec", spec_json(record.spec)},
                    {"image", record.image},
                    {"configTargets", record.config_targets},
                    {"stateCommit", record.state_commit},
                    {"since", record.since}};
  // Rewritten after every gate that passed; losing it in a power cut only costs a restart
  // through the gate (the live probe then trusts what runs), so no fsync.
  return replace_file(serving_record_path(layout, service),
                      out.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

std::optional<ServingRecord> read_serving_record(const Layout& layout, const std::string& service) {
  auto text = read_file(serving_record_path(layout, service));
  if (!text) return std::nullopt;
  try {
    const json j = json::parse(*text);
    auto spec = spec_from(j.at("spec"));
    if (!spec) return std::nullopt;
    return ServingRecord{release_from(j.at("release")),
                         j.at("fingerprint").get<std::string>(),
                         std::move(*spec),
                         j.value("image", ""),
                         j.value("configTargets", std::vector<std::string>{}),
                         j.value("stateCommit", ""),
                         j.value("since", "")};
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void remove_serving_record(const Layout& layout, const std::string& service) {
  std::error_code ec;
  fs::remove(serving_record_path(layout, service), ec);
}

ServingRecord serving_record_of(const DesiredService& desired, const std::string& state_commit) {
  ServingRecord record;
  record.release = desired.release;
  record.fingerprint = desired.fingerprint;
  record.spec = runtime_spec_of(desired.service, desired.release);
  if (const ContainerSpec* container = desired.service.container()) {
    record.image = container->image;
    for (const auto& [target, content] : desired.config_files)
      record.config_targets.push_back(target);
  }
  record.state_commit = state_commit;
  record.since = now_rfc3339();
  return record;
}

DesiredService as_serving(const DesiredService& declared, const ServingRecord& serving) {
  DesiredService out = declared;
  out.release = serving.release;
  out.fingerprint = serving.fingerprint;
  out.service.run = serving.spec.run;
  out.service.health = serving.spec.health;
  out.service.runtime = serving.spec.runtime;
  if (serving.spec.container) {
    ContainerSpec container = *serving.spec.container;
    container.image = serving.image;
    out.service.workload = container;
    // The files are in config/<config hash>/ already: only their targets are needed to mount.
    out.config_files.clear();
    for (const std::string& target : serving.config_targets) out.config_files[target] = "";
  } else if (auto* release = std::get_if<ReleaseSpec>(&out.service.workload)) {
    release->version = serving.release.version;
    release->commit = serving.release.commit;
    release->binary.sha256 = serving.release.binary_sha256;
  }
  return out;
}

}  // namespace tether
