#pragma once

#include "model/container_labels.hpp"
#include "model/service.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace tether {

/// The container a service runs in. Stable, so drift is found by name.
[[nodiscard]] std::string container_name_of(const std::string& service);
/// Where the serving container waits while its successor is health-checked.
[[nodiscard]] std::string previous_container_name_of(const std::string& service);
/// Blue-green: the new container, started beside tether-<service> and gated on its own port;
/// it takes the service's name once traffic moved to it and the old one is gone.
[[nodiscard]] std::string candidate_container_name_of(const std::string& service);

/// A config file bind-mounted read-only into the container.
struct ConfigMount {
  std::filesystem::path host_path;  ///< <root>/services/<name>/config/<hash>/<target>
  std::string container_path;       ///< "/" + target
  bool operator==(const ConfigMount&) const = default;
};

/// What a new container is made of, beyond the spec.
struct ContainerLaunch {
  std::string service;
  ContainerSpec spec;
  std::string config_hash;
  std::string state_commit;
  std::vector<ConfigMount> config;
  std::string fingerprint;
  /// The container's name; "" is the service's own, container_name_of(service).
  std::string name = {};
  /// Blue-green: the host port (one of blueGreen.ports) at which the one container port of
  /// `spec.ports` is published on 127.0.0.1, also kept as the label tether.port; 0: `spec.ports`
  /// are published as written.
  int host_port = 0;
};

/// The name `launch` runs under.
[[nodiscard]] std::string launch_name(const ContainerLaunch& launch);
/// What `--publish` gets: `spec.ports` as written, or for blue-green the one container port at
/// 127.0.0.1:<host_port>.
[[nodiscard]] std::vector<std::string> published_ports(const ContainerLaunch& launch);

/// The engine's program name ("podman", "docker").
[[nodiscard]] const char* engine_program(ContainerRuntime runtime);

/// argv (without the program) that creates and starts the container detached: `run -d --init
/// --name tether-<service> --label ... IMAGE ARGS...`. `--init` because many images' PID 1
/// (busybox httpd, shells) ignores SIGTERM and would only die at the stop timeout.
[[nodiscard]] std::vector<std::string> run_args(const ContainerLaunch& launch);

[[nodiscard]] std::vector<std::string> image_inspect_args(const std::string& image);
[[nodiscard]] std::vector<std::string> repo_digests_args(const std::string& image_id);
[[nodiscard]] std::vector<std::string> pull_args(const std::string& image);
[[nodiscard]] std::vector<std::string> inspect_args(const std::string& name);
[[nodiscard]] std::vector<std::string> stop_args(const std::string& name, Millis timeout);
/// Removes at once, killing a running container: only used for containers that do not serve
/// (the unhealthy new one, a parked one no longer needed, drift).
[[nodiscard]] std::vector<std::string> remove_args(ContainerRuntime runtime,
                                                   const std::string& name);
[[nodiscard]] std::vector<std::string> rename_args(const std::string& from, const std::string& to);
[[nodiscard]] std::vector<std::string> start_args(const std::string& name);
/// `image rm IMAGE`, without force: an image a container still uses is refused by the engine.
[[nodiscard]] std::vector<std::string> remove_image_args(const std::string& image);

}  // namespace tether
