// Where a container runtime gets its engine. podman and docker share one command-line dialect
// (CliEngine); a runtime with another (an API, a different CLI) is a new ContainerEngine in its
// own file and a case here.
#include "container/container_engine.hpp"

#include "container/cli_engine.hpp"

#include <cassert>

namespace tether {

std::unique_ptr<ContainerEngine> make_container_engine(CommandRunner& runner,
                                                       ContainerRuntime runtime) {
  switch (runtime) {
    case ContainerRuntime::podman:
    case ContainerRuntime::docker:
      return std::make_unique<CliEngine>(runner, runtime);
  }
  // unreachable: the switch covers every runtime (-Wswitch)
  return std::make_unique<CliEngine>(runner, runtime);
}

ContainerEngines::ContainerEngines(CommandRunner& runner, ContainerRuntime default_runtime)
    : m_default(default_runtime) {
  for (const ContainerRuntime runtime : k_container_runtimes)
    m_engines.emplace(runtime, make_container_engine(runner, runtime));
}

ContainerEngines::ContainerEngines(Engines engines, ContainerRuntime default_runtime)
    : m_engines(std::move(engines)), m_default(default_runtime) {
  assert(m_engines.count(m_default) == 1 && m_engines.at(m_default) != nullptr);
}

const ContainerEngine& ContainerEngines::engine_for(const Service& service) const {
  const auto it = m_engines.find(service.runtime.value_or(m_default));
  // The default always has its engine (both constructors see to it).
  return *(it != m_engines.end() ? it->second : m_engines.at(m_default));
}

}  // namespace tether
