#pragma once

#include "health/probe.hpp"

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace tether {

/// One service the watch probes: what passed its health gate and runs now.
struct WatchTarget {
  HealthSpec health;
  std::filesystem::path probe_dir;  ///< where exec probes run (the release dir)
  /// Changes whenever the service is started again (pid and start time, container id,
  /// fingerprint): its tally then starts afresh.
  std::string generation;
  bool operator==(const WatchTarget&) const = default;
};

/// What the watch last saw of a service.
struct HealthState {
  bool healthy = true;
  int failures = 0;    ///< consecutive failed probes
  int successes = 0;   ///< consecutive passing probes (while unhealthy)
  std::string detail;  ///< the last probe's answer
  std::string since;   ///< RFC 3339: when it last turned unhealthy
  bool operator==(const HealthState&) const = default;
};

/// Counts one probe into `state`: unhealthy after `health.failure_threshold` failures in a
/// row, healthy again after `health.successes` passes in a row. True when `healthy` flipped.
bool tally_probe(HealthState& state, const ProbeResult& result, const HealthSpec& health);

/// Continuous health (docs/design.md "What converged means"): after its gate, every service is
/// probed at its `health.interval` for as long as it runs, on a thread of its own, so a hang
/// (SIGSTOP), a paused container or an app answering 500 is seen within
/// failureThreshold x interval. `on_change` is called (on the watch's thread, without its lock
/// held) whenever a service turns unhealthy or healthy again: the agent publishes it and runs a
/// pass, which restarts the service (with backoff) while the watch says unhealthy.
/// The reconciler pauses the watch while a pass changes things and hands it the new set of
/// targets when the pass is done.
class HealthWatch {
 public:
  using OnChange = std::function<void(const std::string& service, const HealthState& state)>;

  /// `prober` is used from the watch's thread only: give it one of its own.
  HealthWatch(Prober& prober, OnChange on_change);
  ~HealthWatch();
  HealthWatch(const HealthWatch&) = delete;
  HealthWatch& operator=(const HealthWatch&) = delete;

  /// Replaces what is watched and resumes probing. A service whose target (generation, spec)
  /// is unchanged keeps its tally; others start afresh, healthy.
  void watch(std::map<std::string, WatchTarget> targets);
  /// No probe results are counted until the next watch(): a pass is changing things.
  void pause();
  /// The services the watch holds unhealthy now, with what it saw (describe_unhealthy() says
  /// it in words), for the planner.
  [[nodiscard]] std::map<std::string, HealthState> unhealthy() const;
  [[nodiscard]] std::map<std::string, HealthState> states() const;

 private:
  struct Watched {
    WatchTarget target;
    HealthState state;
    std::chrono::steady_clock::time_point due;
  };
  void run();
  /// The service whose probe is due first, waiting until then (false: stopping).
  bool next_due(std::unique_lock<std::mutex>& lock, std::string& service, WatchTarget& target);

  Prober& m_prober;
  OnChange m_on_change;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::map<std::string, Watched> m_watched;
  bool m_paused = true;
  bool m_stopping = false;
  unsigned long long m_epoch = 0;  ///< bumped by watch() and pause(): stale results are dropped
  std::thread m_thread;
};

/// "HTTP 500 from http://...; 3 failed probes in a row since 2026-12-06T03:40:01Z".
[[nodiscard]] std::string describe_unhealthy(const HealthState& state);

}  // namespace tether
