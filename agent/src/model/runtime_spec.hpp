#pragma once

#include "model/release_id.hpp"
#include "model/service.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tether {

/// Everything a declaration says about what runs on a host and how its health is judged: what
/// the agent must restart or recreate when it changes (docs/design.md "What converged means").
/// Selection (selector, rollout), ordering (dependsOn), the switch procedure (hooks) and
/// housekeeping (keepReleases) are not part of it: changing them changes nothing that runs.
struct RuntimeSpec {
  /// Binary releases: the release dir name (version, commit, binary and config hash). Container
  /// services: "<image digest>/<config hash>": the tag beside a digest is for humans.
  std::string release;
  std::optional<RunSpec> run;
  std::optional<HealthSpec> health;
  /// Container services: the declared container with `image` reduced to its digest.
  std::optional<ContainerSpec> container;
  std::optional<ContainerRuntime> runtime;
  bool operator==(const RuntimeSpec&) const = default;
};

/// The RuntimeSpec a validated Service declares for `release` (whose config hash is already
/// computed): the run and health specs as written, a container's image reduced to its digest.
[[nodiscard]] RuntimeSpec runtime_spec_of(const Service& service, const ReleaseId& release);

/// The parts of `to` that differ from `from`, named as the manifest names them
/// ("release", "run.exec.command", "run.exec.env", "health", "container.ports", ...), in a
/// fixed order. Empty when they are equal.
[[nodiscard]] std::vector<std::string> spec_differences(const RuntimeSpec& from,
                                                        const RuntimeSpec& to);

}  // namespace tether
