#pragma once

#include "model/runtime_spec.hpp"
#include "model/service.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

/// Value types of `tether plan` / `tether revert`: what two commits of the state repo declare
/// for each host and how they differ. Standard library and `model` only.
namespace tether::review {

enum class ReleaseKind { binary, container };

/// A declared release reduced to what a reviewer compares.
struct ReleaseView {
  ReleaseKind kind = ReleaseKind::binary;
  std::string version;          ///< binary: spec.release.version; container: the image tag or ""
  std::string commit;           ///< binary only: 40-hex source commit
  std::string binary_sha256;    ///< binary only
  std::string artifact_sha256;  ///< binary only
  std::string image;            ///< container only: the full image reference
  std::string digest;           ///< container only: "sha256:<64 hex>", "" for a floating tag
  std::string config_hash;      ///< docs/design.md's config hash, both kinds
  bool operator==(const ReleaseView&) const = default;

  /// What makes two releases the same, config excluded: "binary:<version>:<commit>:<sha256>",
  /// or "container:<digest>" ("container:<image>" when floating). History is keyed by it.
  [[nodiscard]] std::string identity() const;
};

/// The rollout share of one service for one host.
struct Rollout {
  int percent = 100;
  int bucket = 0;        ///< the host's stable bucket 0-99 for this service
  bool included = true;  ///< bucket < percent: the host takes the declared release
  // Waves (`rollout.steps`): this host's wave (1-based; 0 without steps), how many there are,
  // and when it is due, counted from the commit that introduces the release.
  int wave = 0;
  int waves = 0;
  Millis due_after{0};
  bool operator==(const Rollout&) const = default;
};

/// One service as one commit declares it for one host (selector matched, overrides applied).
struct DeclaredService {
  ReleaseView release;
  Rollout rollout;
  /// What runs and how its health is judged (model/runtime_spec.hpp), and its fingerprint: the
  /// agent reconfigures the service exactly when the fingerprint changes.
  RuntimeSpec runtime;
  std::string fingerprint;
  /// spec.analysis in a few words ("bake 60s, 2 queries"), "" without: a switch then bakes.
  std::string analysis = {};
  /// spec.switch when not the default restart: "blue-green behind nginx", "" otherwise.
  std::string switch_strategy = {};
  bool operator==(const DeclaredService&) const = default;
};

/// Everything one commit declares for one host, by service name.
using HostSide = std::map<std::string, DeclaredService>;

/// One host at both commits.
struct HostInput {
  std::string host;
  StringMap labels;  ///< as resolved at --to (agent labels overlaid with hosts/<id>.yaml)
  HostSide from;
  HostSide to;
};

/// Where a release identity was first declared in services/<name>.yaml along the first-parent
/// history of --from: `age` commits back (0 = --from itself).
struct Declaration {
  int age = 0;
  std::string commit;
  bool operator==(const Declaration&) const = default;
};

/// service -> ReleaseView::identity() -> its oldest declaration within the walk.
using DeclaredHistory = std::map<std::string, std::map<std::string, Declaration>>;

/// One version of services/<name>.yaml met walking back from --from, at its oldest commit.
struct HistoricBlob {
  std::string service;  ///< the file's stem
  std::string path;
  std::string content;
  Declaration declared;
  bool operator==(const HistoricBlob&) const = default;
};

enum class ChangeKind {
  unchanged,      ///< same release, config and settings
  added,          ///< newly declared for this host ("new")
  removed,        ///< no longer declared for this host: the agent stops it, keeps its releases
  upgrade,        ///< another binary release, not a rollback
  rollback,       ///< back to a release declared earlier, or to a lower version
  config_only,    ///< same release, other config files
  image_change,   ///< another container image digest, not a rollback
  settings,       ///< same release and config; what runs changed (run, health, container spec)
  joins_rollout,  ///< same release; the host enters the rollout share and takes it
};

enum class RollbackReason { none, declared_earlier, version_lower };

/// How one service changes on one host.
struct ServiceChange {
  std::string service;
  ChangeKind change = ChangeKind::unchanged;
  std::optional<ReleaseView> from;
  std::optional<ReleaseView> to;
  Rollout rollout;  ///< at --to; at --from for a removed service
  /// The host acts on it: something changed and the host is in the rollout share at --to.
  bool applies = false;
  RollbackReason reason = RollbackReason::none;
  std::string declared_at;  ///< for declared_earlier: the commit that first declared `to`
  /// For settings: the fields that changed ("run.exec.env", "health", "container.ports").
  std::vector<std::string> settings_changed = {};
  /// At --to, when the service has spec.analysis: "bake 60s, 2 queries" (a switch bakes).
  std::string analysis = {};
  /// At --to, a switch strategy other than the default restart: "blue-green behind nginx".
  std::string switch_strategy = {};
  bool operator==(const ServiceChange&) const = default;
};

struct HostPlan {
  std::string host;
  StringMap labels;
  std::vector<ServiceChange> services;  ///< sorted by service
  bool operator==(const HostPlan&) const = default;
};

/// Hosts that make the same move, for the headline: "3 hosts roll back web 1.5.0 → 1.4.2".
struct SummaryEntry {
  ChangeKind change = ChangeKind::unchanged;
  std::string service;
  std::string from;  ///< release label, "" when absent
  std::string to;
  bool held = false;  ///< hosts outside the rollout share: they keep what they run
  int percent = 100;
  std::vector<std::string> hosts;
  std::string text;
  bool operator==(const SummaryEntry&) const = default;
};

/// A whole plan between two commits.
struct ReviewPlan {
  std::string from_rev;
  std::string from_commit;
  std::string to_rev;
  std::string to_commit;
  std::vector<HostPlan> hosts;  ///< sorted by host id
  std::vector<SummaryEntry> summary;
  bool operator==(const ReviewPlan&) const = default;
};

/// "new", "config-only", "image-change", "joins-rollout"...: the names JSON and text use.
[[nodiscard]] const char* to_string(ChangeKind kind);
[[nodiscard]] const char* to_string(RollbackReason reason);

}  // namespace tether::review
