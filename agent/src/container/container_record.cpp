#include "container/container_record.hpp"

#include "container/container_engine.hpp"
#include "core/files.hpp"
#include "core/json_text.hpp"
#include "process/command_runner.hpp"

#include <nlohmann/json.hpp>

namespace tether {

fs::path container_record_path(const Layout& layout, const std::string& service) {
  return layout.service_dir(service) / "container.json";
}

Status write_container_record(const Layout& layout,
                              const std::string& service,
                              const ContainerRecord& record) {
  const nlohmann::json json = {{"runtime", engine_program(record.runtime)},
                               {"container", container_name_of(service)},
                               {"image", record.image},
                               {"configHash", record.config_hash},
                               {"stateCommit", record.state_commit}};
  if (Status made = make_dirs(layout.service_dir(service)); !made) return made;
  return write_file_atomic(container_record_path(layout, service), json_text(json, 2) + "\n");
}

std::optional<ContainerRecord> read_container_record(const Layout& layout,
                                                     const std::string& service) {
  auto text = read_file(container_record_path(layout, service));
  if (!text) return std::nullopt;
  const nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  ContainerRecord record;
  // A record without a runtime predates docker support: podman made it.
  record.runtime = runtime_named(json.value("runtime", "")).value_or(ContainerRuntime::podman);
  record.image = json.value("image", "");
  record.config_hash = json.value("configHash", "");
  record.state_commit = json.value("stateCommit", "");
  return record;
}

void probe_recorded_containers(const Layout& layout, Live& live) {
  ProcessRunner runner;
  for (auto& [name, service] : live) {
    const auto record = read_container_record(layout, name);
    if (!record) continue;
    auto inspected =
        make_container_engine(runner, record->runtime)->inspect(container_name_of(name));
    if (inspected) service.container = *inspected;
  }
}

}  // namespace tether
