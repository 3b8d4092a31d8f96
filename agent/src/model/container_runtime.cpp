#include "model/container_runtime.hpp"

namespace tether {

const char* runtime_name(ContainerRuntime runtime) {
  switch (runtime) {
    case ContainerRuntime::podman:
      return "podman";
    case ContainerRuntime::docker:
      return "docker";
  }
  return "";  // unreachable: the switch covers every runtime (-Wswitch)
}

std::optional<ContainerRuntime> runtime_named(std::string_view name) {
  for (const ContainerRuntime runtime : k_container_runtimes) {
    if (name == runtime_name(runtime)) return runtime;
  }
  return std::nullopt;
}

std::string runtime_choices() {
  std::string text;
  for (size_t i = 0; i < k_container_runtimes.size(); ++i) {
    text += i == 0 ? "" : i + 1 == k_container_runtimes.size() ? " or " : ", ";
    text += runtime_name(k_container_runtimes[i]);
  }
  return text;
}

}  // namespace tether
