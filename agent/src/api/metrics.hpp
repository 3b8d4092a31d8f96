#pragma once

#include "model/drill.hpp"
#include "model/switch_outcome.hpp"

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace tether {

/// A service declared for this host, as GET /status reports it: what `tether fleet status
/// --prometheus` reads instead of asking the agent.
struct DeclaredMetrics {
  std::string state;  ///< converged, pending, failed, quarantined, blocked, ... (report/)
  std::string version;
  std::string commit;
  std::string image;
  bool operator==(const DeclaredMetrics&) const = default;
};

/// What one reconcile pass tells the metrics.
struct PassMetrics {
  double duration_seconds = 0;
  double finished_unix_seconds = 0;
  bool poll_failed = false;     ///< the state repo could not be fetched (it is unreachable)
  bool tip_refused = false;     ///< the branch tip is refused: the host stays on state_commit
  int rollbacks = 0;            ///< automatic rollbacks carried out
  long long git_polls = 0;      ///< remote tip lookups
  long long git_downloads = 0;  ///< fetches that transferred objects
  bool manifests_loaded = false;
  long long files_hashed = 0;  ///< release files read to compute a digest
  std::string state_commit;    ///< the commit applied (converged towards)
  std::string tip_commit;      ///< the branch tip fetched; "" when the repo was unreachable
  std::map<std::string, bool> converged;       ///< per desired service
  std::map<std::string, bool> quarantined;     ///< per service: a release is quarantined
  std::map<std::string, bool> suspended = {};  ///< per service: a hold is in force
  std::map<std::string, bool> blocked;         ///< per service: its change waits for a dependency
  /// Per desired service: false while the health watch holds it unhealthy (or nothing runs).
  std::map<std::string, bool> healthy;
  int recoveries = 0;  ///< degraded services healthy again
  /// service -> (version, commit) of what `current` points at.
  std::map<std::string, std::pair<std::string, std::string>> live;
  /// Blue-green services: the port the serving release listens on, where the proxy sends clients.
  std::map<std::string, int> traffic_port = {};
  /// The pass's switches through a strategy: `tether_switch_total` adds them up.
  std::vector<SwitchCount> switches = {};
  // Rollback drills (#23): the last `tether drill` of each service (state/drills.json).
  DrillRecords drills = {};
  // Waves (#21, h/waves).
  /// Per service rolling out in waves: this host's wave (1-based) and why it waits ("" when
  /// it took the release, "pause" or "halted").
  std::map<std::string, std::pair<int, std::string>> waves = {};
  /// Per service with a quarantined release: its (version, commit). Other hosts' fleet
  /// analysis sees a release that failed somewhere (docs/staged-rollout.md).
  std::map<std::string, std::pair<std::string, std::string>> quarantined_releases = {};
  // Fleet status from Prometheus (#21): the facts GET /status gives `tether fleet status`.
  std::string host_id = {};                              ///< the agent's host id
  std::map<std::string, DeclaredMetrics> declared = {};  ///< per declared service
};

/// The agent's Prometheus metrics, updated after every pass and rendered on GET /metrics.
/// Thread-safe: the loop records, the API thread renders.
class Metrics {
 public:
  void record(const PassMetrics& pass);
  /// A pass that reused the one before it (agent/quiet_poll: nothing could have changed): its
  /// timing, outcome and counters count; its per-service maps, left empty, and what it
  /// declares are the last pass's (as the health watch has updated them since), kept without
  /// a copy.
  void record_repeat(PassMetrics pass);
  /// The health watch's verdict between passes: `tether_service_healthy` (and, when unhealthy,
  /// `tether_converged`) move at once, not at the next pass.
  void set_health(const std::string& service, bool healthy);
  /// spec.analysis: a bake began, so `tether_converged` reads 0 for the service (and the host)
  /// until the pass that runs the bake records what it left.
  void set_baking(const std::string& service);
  // readiness and watchdog from the service itself (sd_notify, issue #23)
  /// The health watch found a service failing its sd_notify watchdog (it is restarted).
  void count_watchdog_miss();
  /// Prometheus text exposition format 0.0.4.
  [[nodiscard]] std::string render() const;

 private:
  /// Adds m_last to the totals (m_mutex held).
  void count_last();
  /// The state repo's families: tip vs applied commit, refused, unreachable, host verdict.
  void render_state_repo(std::string& out) const;
  /// Who the agent is and, per declared service, its state and declared release.
  void render_declared(std::string& out) const;

  static constexpr std::array<double, 8> k_buckets = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  mutable std::mutex m_mutex;
  PassMetrics m_last;
  bool m_any = false;
  long long m_passes = 0;
  double m_duration_sum = 0;
  std::array<long long, k_buckets.size()> m_bucket_counts{};
  long long m_rollbacks_total = 0;
  /// (service, strategy, outcome) -> switches so far.
  std::map<std::tuple<std::string, std::string, std::string>, long long> m_switches_total;
  long long m_recoveries_total = 0;
  long long m_poll_errors_total = 0;
  long long m_git_polls_total = 0;
  long long m_git_fetches_total = 0;
  long long m_manifest_loads_total = 0;
  long long m_files_hashed_total = 0;
  // readiness and watchdog from the service itself (sd_notify, issue #23)
  long long m_watchdog_misses_total = 0;
};

}  // namespace tether
