#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace tether {

/// The container engines tether drives. Adding one: a value here and in k_container_runtimes,
/// its name in runtime_name() and its engine in make_container_engine()
/// (container/container_engine.cpp; the compiler flags both switches). Manifests, records,
/// fingerprints and ContainerEngines all go through these.
enum class ContainerRuntime { podman, docker };

/// Every runtime, in the order error messages list them.
inline constexpr std::array<ContainerRuntime, 2> k_container_runtimes = {ContainerRuntime::podman,
                                                                         ContainerRuntime::docker};

/// The runtime's name as manifests, records and fingerprints spell it, which is also the
/// program that drives it ("podman", "docker").
[[nodiscard]] const char* runtime_name(ContainerRuntime runtime);

/// The runtime spelled `name`; nullopt for any other text (the caller decides what that means).
[[nodiscard]] std::optional<ContainerRuntime> runtime_named(std::string_view name);

/// "podman or docker": the names a manifest may give.
[[nodiscard]] std::string runtime_choices();

}  // namespace tether
