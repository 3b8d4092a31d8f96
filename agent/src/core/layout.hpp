#pragma once

#include <filesystem>
#include <string>

namespace tether {

namespace fs = std::filesystem;

/// Where everything lives under the agent's root (docs/design.md "Live layout on a host").
struct Layout {
  fs::path root;

  [[nodiscard]] fs::path services_dir() const { return root / "services"; }
  [[nodiscard]] fs::path service_dir(const std::string& name) const {
    return services_dir() / name;
  }
  [[nodiscard]] fs::path releases_dir(const std::string& name) const {
    return service_dir(name) / "releases";
  }
  [[nodiscard]] fs::path release_dir(const std::string& name, const std::string& dir) const {
    return releases_dir(name) / dir;
  }
  /// `spec.shared` data of the service: outside releases/, so pruning never reaches it.
  [[nodiscard]] fs::path shared_dir(const std::string& name) const {
    return service_dir(name) / "shared";
  }
  [[nodiscard]] fs::path current_link(const std::string& name) const {
    return service_dir(name) / "current";
  }
  [[nodiscard]] fs::path pid_file(const std::string& name) const {
    return service_dir(name) / "run" / "exec.pid";
  }
  [[nodiscard]] fs::path log_file(const std::string& name) const {
    return service_dir(name) / "log" / "service.log";
  }
  [[nodiscard]] fs::path state_dir() const { return root / "state"; }
  [[nodiscard]] fs::path journal() const { return state_dir() / "journal.jsonl"; }
  [[nodiscard]] fs::path lock_file() const { return state_dir() / "lock"; }
  [[nodiscard]] fs::path artifact_cache() const { return root / "cache" / "artifacts"; }
  [[nodiscard]] fs::path mirror() const { return root / "repo.git"; }
  [[nodiscard]] fs::path history() const { return state_dir() / "history.json"; }
  /// The host's own holds (`tether suspend`), read by the agent every pass.
  [[nodiscard]] fs::path suspensions() const { return state_dir() / "suspended.json"; }
  /// Digests of release files by stat identity (live/hash_cache.hpp); only a cache.
  [[nodiscard]] fs::path hash_cache() const { return state_dir() / "hash-cache"; }
};

/// Name of release.json inside a release dir.
inline constexpr const char* k_release_record = ".tether/release.json";

}  // namespace tether
