#pragma once

#include <filesystem>
#include <string>

namespace tether {

/// The environment variable every supervised service is started with: its service dir. A
/// process carrying it was started by tether for that service.
inline constexpr const char* k_service_marker = "TETHER_SERVICE_DIR";

/// Kills (SIGKILL, whole process group) every process started for `service_dir` that the agent
/// no longer tracks: an agent killed between spawning a service and recording its pid leaves
/// one running, holding the service's port (and answering its health probe). Returns how many.
/// Called before a service is started, when no recorded process of it runs.
int kill_stray_processes(const std::filesystem::path& service_dir);

}  // namespace tether
