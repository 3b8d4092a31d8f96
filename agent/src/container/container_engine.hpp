#pragma once

#include "container/container_commands.hpp"
#include "core/result.hpp"
#include "model/container_runtime.hpp"
#include "model/live.hpp"
#include "process/command_runner.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace tether {

/// A container runtime as the container switcher and the live probe use it. Every failure is
/// an Error carrying the engine's own words and a hint. Implementations: `CliEngine`
/// (container/cli_engine.hpp, podman's and docker's command line); tests use
/// tests/support/fake_container_engine.hpp.
class ContainerEngine {
 public:
  virtual ~ContainerEngine() = default;

  [[nodiscard]] virtual ContainerRuntime runtime() const = 0;
  /// What an operator runs to read the container's output ("podman logs tether-web").
  [[nodiscard]] virtual std::string logs_command(const std::string& name) const = 0;

  /// Makes `image` available locally: pulled by its digest unless the engine has it already
  /// (a digest names one content, so a local copy is as good, and a rollback to an image
  /// pulled before works while the registry is down). An image not pinned by digest is an
  /// Error, not a pull.
  [[nodiscard]] virtual Status pull(const std::string& image) const = 0;
  /// Creates and starts the container; Error when the engine refuses (port taken, bad args).
  [[nodiscard]] virtual Status run(const ContainerLaunch& launch) const = 0;
  /// nullopt when there is no container by that name. `image_digests` lists every digest the
  /// engine knows the container's image by.
  [[nodiscard]] virtual Result<std::optional<LiveContainer>> inspect(
      const std::string& name) const = 0;
  [[nodiscard]] virtual Status stop(const std::string& name, Millis timeout) const = 0;
  /// Removes the container at once, running or not (killing it); a missing one is fine.
  [[nodiscard]] virtual Status remove(const std::string& name) const = 0;
  [[nodiscard]] virtual Status rename(const std::string& from, const std::string& to) const = 0;
  [[nodiscard]] virtual Status start(const std::string& name) const = 0;
  // -- issue #23, images pruned with their releases (h/shared) --
  /// Removes the local copy of `image` (as pulled: name@sha256:digest). An image still used by
  /// a container is refused by the engine (an Error); an image that is not there is fine.
  [[nodiscard]] virtual Status remove_image(const std::string& image) const = 0;
};

/// The engine that drives `runtime`: the one place that chooses an implementation a runtime
/// (container/container_engine.cpp; the compiler flags a runtime it does not handle).
[[nodiscard]] std::unique_ptr<ContainerEngine> make_container_engine(CommandRunner& runner,
                                                                     ContainerRuntime runtime);

/// One engine per runtime, with the agent's default (agent.yaml `runtime`) for services that
/// do not name theirs.
class ContainerEngines {
 public:
  using Engines = std::map<ContainerRuntime, std::unique_ptr<ContainerEngine>>;

  /// make_container_engine's engine for every runtime.
  ContainerEngines(CommandRunner& runner, ContainerRuntime default_runtime);
  /// Given engines (tests: fakes). `engines` must hold one for `default_runtime`; a service
  /// naming a runtime without one gets it.
  ContainerEngines(Engines engines, ContainerRuntime default_runtime);

  /// The service's runtime's engine, else the agent's default.
  [[nodiscard]] const ContainerEngine& engine_for(const Service& service) const;

 private:
  Engines m_engines;
  ContainerRuntime m_default;
};

}  // namespace tether
