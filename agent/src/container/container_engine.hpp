#pragma once

#include "container/container_commands.hpp"
#include "core/result.hpp"
#include "model/live.hpp"
#include "process/command_runner.hpp"

#include <map>
#include <optional>
#include <string>

namespace tether {

/// podman or docker, driven through its CLI by the CommandRunner (argv, no shell, timeouts).
/// Every failure is an Error carrying the engine's stderr and a hint.
class ContainerEngine {
 public:
  ContainerEngine(CommandRunner& runner, ContainerRuntime runtime)
      : m_runner(runner), m_runtime(runtime) {}

  [[nodiscard]] ContainerRuntime runtime() const { return m_runtime; }
  [[nodiscard]] const char* program() const { return engine_program(m_runtime); }

  /// Makes `image` available locally: pulled by its digest unless the engine has it already
  /// (a digest names one content, so a local copy is as good, and a rollback to an image
  /// pulled before works while the registry is down).
  [[nodiscard]] Status pull(const std::string& image) const;
  /// Creates and starts the container; Error when the engine refuses (port taken, bad args).
  [[nodiscard]] Status run(const ContainerLaunch& launch) const;
  /// nullopt when there is no container by that name.
  /// nullopt when there is no container by that name. `image_digests` lists every digest the
  /// engine knows the container's image by.
  [[nodiscard]] Result<std::optional<LiveContainer>> inspect(const std::string& name) const;
  [[nodiscard]] Status stop(const std::string& name, Millis timeout) const;
  /// Removes the container, running or not; a missing one is fine.
  [[nodiscard]] Status remove(const std::string& name) const;
  [[nodiscard]] Status rename(const std::string& from, const std::string& to) const;
  [[nodiscard]] Status start(const std::string& name) const;

 private:
  [[nodiscard]] Result<CommandOutput> call(std::vector<std::string> args, Millis timeout) const;
  [[nodiscard]] Status expect_success(const std::vector<std::string>& args,
                                      Millis timeout,
                                      const std::string& what,
                                      const std::string& hint) const;

  CommandRunner& m_runner;
  ContainerRuntime m_runtime;
};

/// One engine per runtime, with the agent's default (agent.yaml `runtime`) for services that
/// do not name theirs.
class ContainerEngines {
 public:
  ContainerEngines(CommandRunner& runner, ContainerRuntime default_runtime)
      : m_default(default_runtime) {
    for (const ContainerRuntime runtime : k_container_runtimes)
      m_engines.emplace(runtime, ContainerEngine(runner, runtime));
  }

  /// The service's runtime, else the agent's default.
  [[nodiscard]] const ContainerEngine& engine_for(const Service& service) const {
    // Every runtime has its engine (the constructor made one each): at() cannot throw.
    return m_engines.at(service.runtime.value_or(m_default));
  }

 private:
  std::map<ContainerRuntime, ContainerEngine> m_engines;
  ContainerRuntime m_default;
};

}  // namespace tether
