#pragma once

#include "core/duration.hpp"
#include "model/analysis.hpp"
#include "model/container_runtime.hpp"
#include "model/migrations.hpp"
#include "model/probe.hpp"
#include "model/rollout.hpp"
#include "model/shared_paths.hpp"
#include "model/switch_spec.hpp"

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tether {

using StringMap = std::map<std::string, std::string>;

struct Artifact {
  std::string url;
  std::string sha256;
  bool operator==(const Artifact&) const = default;
};

struct BinaryCheck {
  std::string path;  ///< relative to the release dir
  std::string sha256;
  bool operator==(const BinaryCheck&) const = default;
};

/// `spec.release.limits`: what one release may unpack to; an archive beyond is refused whole.
struct UnpackLimits {
  static constexpr long long k_default_bytes = 2LL * 1024 * 1024 * 1024;
  static constexpr long long k_default_files = 100'000;
  long long max_bytes = k_default_bytes;  ///< the files' sizes added up (`maxUnpackedMiB`)
  long long max_files = k_default_files;  ///< entries of any type (`maxFiles`)
  bool operator==(const UnpackLimits&) const = default;
};

/// `spec.release`: a binary release built by CI from `commit`.
struct ReleaseSpec {
  std::string version;
  std::string commit;
  Artifact artifact;
  BinaryCheck binary;
  UnpackLimits limits{};
  bool operator==(const ReleaseSpec&) const = default;
};

/// `spec.container`: an image pinned by digest (run by the container runtime adapter).
struct ContainerSpec {
  std::string image;
  std::string name;
  std::vector<std::string> args;
  StringMap env;
  std::vector<std::string> ports;
  std::vector<std::string> volumes;
  std::string user;
  Millis stop_timeout{std::chrono::seconds(10)};  ///< SIGTERM, then SIGKILL after this
  bool operator==(const ContainerSpec&) const = default;
};

/// How a config file is stored in the state repo (docs/secrets.md).
enum class ConfigEncryption {
  none,  ///< placed as it is, read-only (0444)
  age,   ///< age ciphertext: decrypted at install with the host's identity, placed 0600
};

/// One file from the state repo placed inside the release dir.
struct ConfigFile {
  std::string source;  ///< path in the state repo, under config/
  std::string target;  ///< path inside the release dir
  // secrets (#23): `spec.config[].encryption`
  ConfigEncryption encryption = ConfigEncryption::none;
  bool operator==(const ConfigFile&) const = default;
};

struct ExecRun {
  std::vector<std::string> command;  ///< argv; argv[0] relative to the release dir or absolute
  StringMap env;
  Millis stop_timeout{std::chrono::seconds(10)};
  bool operator==(const ExecRun&) const = default;
};

struct SystemdRun {
  std::string unit;
  bool operator==(const SystemdRun&) const = default;
};

using RunSpec = std::variant<ExecRun, SystemdRun>;

struct HealthSpec {
  Probe probe;
  Millis timeout{std::chrono::seconds(2)};
  Millis interval{std::chrono::seconds(1)};
  Millis deadline{std::chrono::seconds(30)};
  Millis initial_delay{0};
  int successes = 1;
  /// After the gate passed: consecutive failed probes (one every `interval`) before the
  /// service counts as unhealthy and is restarted.
  int failure_threshold = 3;
  bool operator==(const HealthSpec&) const = default;
};

/// Commands run in the new release dir around a switch (argv, no shell).
struct Hooks {
  std::vector<std::string> pre_switch;   ///< failing aborts the switch
  std::vector<std::string> post_switch;  ///< failing counts as unhealthy
  Millis timeout{std::chrono::seconds(60)};
  bool operator==(const Hooks&) const = default;
};

/// A Service manifest after validation: what one service should look like on a host.
struct Service {
  std::string name;
  StringMap selector;
  std::variant<ReleaseSpec, ContainerSpec> workload;
  std::optional<ContainerRuntime> runtime;
  bool allow_floating_tag = false;
  std::vector<ConfigFile> config;
  std::optional<RunSpec> run;  ///< absent only for container services
  std::optional<HealthSpec> health;
  Hooks hooks;
  int rollout_percent = 100;
  int keep_releases = 5;
  /// `spec.dependsOn`: services of the same host that must be healthy before this one is
  /// changed (as written, each once).
  std::vector<std::string> depends_on;
  /// `spec.suspend.reason`: held as it runs (model/suspension.hpp) while set.
  std::optional<std::string> suspend = {};
  // -- issue #23, shared data (h/shared) --
  /// `spec.shared`: data that survives releases (binary releases only).
  SharedPaths shared = {};
  // Migrations (#23): `spec.migrations`, a rollback across a schema change flagged or held.
  std::optional<MigrationsSpec> migrations = {};
  // -- analysis after a switch (h/analysis) --
  /// `spec.analysis`: PromQL queries that must hold for a bake after each switch
  /// (docs/analysis.md). Not part of the fingerprint: it judges the next switch.
  std::optional<AnalysisSpec> analysis = {};
  // Zero-downtime switches (h/bluegreen): `spec.switch`.
  SwitchSpec switch_spec = {};
  // Waves (#21, h/waves): `spec.rollout.steps` (instead of `percent`; docs/staged-rollout.md)
  // and `spec.rollout.analysis`, the fleet-level queries a later wave needs to hold.
  std::vector<RolloutStep> rollout_steps = {};
  std::vector<AnalysisQuery> rollout_analysis = {};
  bool operator==(const Service&) const = default;

  [[nodiscard]] const ReleaseSpec* release() const { return std::get_if<ReleaseSpec>(&workload); }
  [[nodiscard]] const ContainerSpec* container() const {
    return std::get_if<ContainerSpec>(&workload);
  }
};

/// A Host file: labels and per-service overrides (already validated field by field).
struct Host {
  std::string name;
  StringMap labels;
  /// `spec.allowRemovingAllServices`: a commit may leave this host with no service at all.
  bool allow_removing_all = false;
  /// `spec.suspend.reason`: every service of the host held as it runs while set.
  std::optional<std::string> suspend = {};
  bool operator==(const Host&) const = default;
};

}  // namespace tether
