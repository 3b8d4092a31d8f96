#pragma once

#include "model/container_labels.hpp"
#include "model/release_id.hpp"
#include "model/serving.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tether {

/// A release dir found under releases/, with what its release.json says.
struct InstalledRelease {
  std::string dir_name;
  ReleaseId id;
  std::string installed_at;  ///< RFC 3339 UTC; sorts chronologically as text
  bool intact = false;       ///< binary and config files still match their recorded hashes
  std::string damage;        ///< why it is not intact, for logs
  // Migrations (#23): what `spec.migrations.command` printed after the last switch to it
  // ("" = nothing recorded).
  std::string migration_state = {};
  bool operator==(const InstalledRelease&) const = default;
};

enum class ProcessState { not_supervised, running, stopped };

/// A container named tether-<service> as the runtime's `inspect` reports it.
struct LiveContainer {
  std::string name;
  std::string image_digest;  ///< "sha256:<hex>" the container runs; "" when unknown
  std::string image_id;      ///< the engine's id of the image the container runs
  /// Every digest the engine knows its image by: an image imported or pulled by another
  /// reference first keeps that digest as its own, and a declared digest may be any of these.
  std::vector<std::string> image_digests;
  bool running = false;                       ///< up and not paused
  std::string status;                         ///< the runtime's word: running, paused, exited
  std::map<std::string, std::string> labels;  ///< tether.service, tether.release, ...
  std::string id = {};  ///< the engine's container id: a new one for every container made
  bool operator==(const LiveContainer&) const = default;
};

/// The value of label `key` (a k_label_* of model/container_labels.hpp); "" when unset.
[[nodiscard]] std::string label_of(const LiveContainer& container, const std::string& key);

/// What is on the host for one service right now.
struct LiveService {
  std::string name;
  std::optional<std::string> current_dir;   ///< release dir `current` points at
  std::vector<InstalledRelease> installed;  ///< sorted by dir_name
  ProcessState process = ProcessState::not_supervised;
  std::string process_release_dir;  ///< release dir the running process was started from
  /// Container services only: tether-<service> (nullopt when there is no such container).
  std::optional<LiveContainer> container;
  /// The fingerprint of what runs: the exec process's (its pid file), the container's (its
  /// label) or, for systemd units, the serving record's. "" when unknown.
  std::string fingerprint = {};
  /// Which start of it runs: "<pid>@<start time>" of the exec process, the container's id;
  /// "" when unknown. The health watch starts its count afresh when it changes.
  std::string instance = {};
  /// The last spec that passed a health gate here (nullopt: none recorded).
  std::optional<ServingRecord> serving = {};
  /// Blue-green: the port the running process was handed, where the proxy sends clients (0:
  /// none, a restart-switched service).
  int process_port = 0;
  bool operator==(const LiveService&) const = default;

  [[nodiscard]] const InstalledRelease* find(const std::string& dir_name) const;
  [[nodiscard]] const InstalledRelease* current() const;
};

using Live = std::map<std::string, LiveService>;

}  // namespace tether
