#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"
#include "model/live.hpp"
#include "model/service.hpp"

#include <optional>
#include <string>

namespace tether {

/// `<root>/services/<name>/container.json`: which runtime runs a container service and what
/// tether last made it run, so `tether status` (which reads no manifest) knows whom to ask.
struct ContainerRecord {
  ContainerRuntime runtime = ContainerRuntime::podman;
  std::string image;
  std::string config_hash;
  std::string state_commit;
  bool operator==(const ContainerRecord&) const = default;
};

[[nodiscard]] fs::path container_record_path(const Layout& layout, const std::string& service);
[[nodiscard]] Status write_container_record(const Layout& layout,
                                            const std::string& service,
                                            const ContainerRecord& record);
/// nullopt when the service has no (readable) record: it is not a container service.
[[nodiscard]] std::optional<ContainerRecord> read_container_record(const Layout& layout,
                                                                   const std::string& service);

/// For every service in `live` with a record, asks its runtime about tether-<name> and fills
/// `container` (left empty when there is none or the runtime cannot be asked). Runs the
/// runtime's `inspect` only; changes nothing.
void probe_recorded_containers(const Layout& layout, Live& live);

}  // namespace tether
