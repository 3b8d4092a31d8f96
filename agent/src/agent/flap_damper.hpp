#pragma once

#include "agent/restart_backoff.hpp"
#include "model/condition.hpp"
#include "model/desired.hpp"
#include "model/plan.hpp"

#include <map>
#include <optional>
#include <string>

namespace tether {

/// How restarts and drift repairs of one service back off (agent.yaml `backoff`).
struct DampingSettings {
  Millis base{std::chrono::seconds(1)};    ///< the wait before the second one in a row
  Millis cap{std::chrono::minutes(5)};     ///< the longest wait
  Millis stable{std::chrono::minutes(1)};  ///< up this long: the count resets, `recovered`
  bool operator==(const DampingSettings&) const = default;
};

/// A degraded service that has been healthy for the stable period.
struct Recovery {
  std::string service;
  std::string summary;  ///< "up for 1m after 4 restarts or repairs in a row"
};

/// The agent's memory of how each service has been behaving, across passes: restarts and
/// repairs back off exponentially (RestartBackoff), and so do retries of a change that failed
/// (a download, a pull, a start) while the declaration stays the same; a failed change is
/// remembered (its dependents wait); the health watch's verdict is passed on; and a service that
/// was degraded (held back, failed or unhealthy) and then stays healthy for `stable` is reported
/// once as recovered, so alerts can resolve. In memory: a new agent process starts afresh.
class FlapDamper {
 public:
  FlapDamper(const Clock& clock, DampingSettings settings);

  /// The planner's input for the services of `desired`. `unhealthy`: the health watch's
  /// verdicts (service -> why), passed on. With `bypass_holds` (an operator asked for a pass:
  /// SIGHUP, POST /sync) nothing is held back.
  [[nodiscard]] Conditions conditions(const Desired& desired,
                                      const std::map<std::string, std::string>& unhealthy = {},
                                      bool bypass_holds = false) const;
  /// An action of the plan ran. Restarts, repairs and failures count towards the backoff; a
  /// failure not undone by an automatic rollback is remembered until something succeeds or the
  /// declaration changes (an auto-rollback leaves the quarantine to say so).
  void acted(const ServiceAction& action, bool ok, bool rolled_back, const std::string& error);
  /// A restart or repair was held back. True the first time for this step of the backoff (the
  /// agent journals it then, not on every poll).
  bool delayed(const DelayedAction& delayed);
  /// After a pass: whether the service runs and needs nothing. Returns the recovery when a
  /// degraded service has now been healthy for the stable period.
  [[nodiscard]] std::optional<Recovery> observe(const std::string& service, bool healthy);
  /// Whether some degraded service has been out of trouble for the stable period, so that the
  /// next observe() of it reports its recovery: a pass must then observe (not reuse the last).
  [[nodiscard]] bool recovery_due() const;
  /// The failure remembered for `desired`'s declared release ("" when none).
  [[nodiscard]] std::string failure(const std::string& service,
                                    const DesiredService& desired) const;

 private:
  struct Entry {
    std::string failure;
    std::string failed_fingerprint;  ///< the spec whose change failed
    bool degraded = false;
    int journaled_step = 0;      ///< the backoff step whose delay was journaled
    int worst = 0;               ///< most restarts/repairs in a row while degraded
    Clock::TimePoint trouble{};  ///< last time it was acted on or seen unhealthy
  };

  const Clock& m_clock;
  DampingSettings m_settings;
  RestartBackoff m_backoff;
  std::map<std::string, Entry> m_entries;
};

}  // namespace tether
