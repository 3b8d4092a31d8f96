#pragma once

#include "model/release_id.hpp"
#include "model/service.hpp"
#include "model/suspension.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tether {

/// One service this host should run, with the identity of its release already computed.
struct DesiredService {
  Service service;
  ReleaseId release;  ///< for binary releases; config_hash set for containers too
  std::map<std::string, std::string> config_files;  ///< target -> content, from the state repo
  /// Digest of everything that declares this service for this host (manifest text, host
  /// overrides, config files): when it changes, a quarantined release may be tried again.
  std::string spec_digest;
  /// fingerprint_of(runtime_spec_of(service, release)) (manifest/fingerprint.hpp): what runs and
  /// how its health is judged. When the live one differs, the service is reconfigured.
  std::string fingerprint;
  bool operator==(const DesiredService&) const = default;
};

/// A service this host takes in waves (`spec.rollout.steps`, docs/staged-rollout.md): which
/// wave is this host's and when the waves started. Each pass decides (plan/rollout_gate.hpp)
/// whether the host takes the release now or keeps what it runs.
struct WavedService {
  int bucket = 0;  ///< the host's stable rollout bucket for the service
  std::vector<RolloutStep> steps;
  std::vector<AnalysisQuery> fleet_queries;  ///< `spec.rollout.analysis.queries`
  std::string manifest_path;                 ///< services/<name>.yaml: whose history says when
  /// When the waves started: the committer time of the commit that introduced the release
  /// (set by the agent from the repo's history; agent/wave_clock.hpp), and that commit.
  WaveClockStart start{};
  std::string start_commit;
  bool operator==(const WavedService&) const = default;
};

/// Everything this host should run at one state commit.
struct Desired {
  std::string state_commit;
  std::map<std::string, DesiredService> services;  ///< by service name
  StringMap host_labels = {};  ///< the labels the services were selected with (agent's + repo's)
  /// Services selected for this host but outside their rollout share: what runs of them stays
  /// as it is (a staged rollout never removes anything).
  std::set<std::string> held_back = {};
  /// Services of `services` that roll out in waves: a pass holds each back (into `held_back`)
  /// until this host's wave is due.
  std::map<std::string, WavedService> waves = {};
  /// hosts/<id>.yaml `spec.allowRemovingAllServices`: a commit may leave this host with no
  /// service at all (otherwise such a commit is refused as a likely accident).
  bool allow_removing_all = false;
  /// hosts/<id>.yaml `spec.suspend`: the whole host is held as it runs.
  std::optional<Suspension> host_suspend = {};
  bool operator==(const Desired&) const = default;
};

}  // namespace tether
