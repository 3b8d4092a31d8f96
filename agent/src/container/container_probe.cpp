#include "container/container_probe.hpp"

#include "core/log.hpp"

namespace tether {

void probe_containers(const Desired& desired, const ContainerEngines& engines, Live& live) {
  for (const auto& [name, service] : desired.services) {
    if (service.service.container() == nullptr) continue;
    LiveService& entry = live[name];
    entry.name = name;
    auto inspected = engines.engine_for(service.service).inspect(container_name_of(name));
    if (!inspected) {
      log_warn("cannot read the container's state",
               {{"service", name}, {"error", inspected.error().describe()}});
      continue;
    }
    entry.container = *inspected;
    if (*inspected) {
      const auto label = (*inspected)->labels.find(k_label_fingerprint);
      entry.fingerprint = label == (*inspected)->labels.end() ? "" : label->second;
      entry.instance = (*inspected)->id;
    }
  }
}

}  // namespace tether
