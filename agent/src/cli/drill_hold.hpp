#pragma once

#include "core/duration.hpp"
#include "core/file_lock.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"

#include <optional>
#include <string>

namespace tether {

/// Rollback drills (#23): keeps the agent's hands off one service while `tether drill` switches
/// it. Without a running agent it takes the root's lock (an agent started meanwhile exits 5);
/// with one it sets a local hold (`state/suspended.json`, source `tether drill`, ending by
/// itself after `k_drill_hold_limit` should the drill die), wakes the agent (SIGHUP) and waits
/// until the agent journaled the hold: from then on no pass touches the service. Lifted (and
/// the agent woken) when destroyed.
class DrillHold {
 public:
  /// An Error when the service already has a hold of this host's own, or when the agent did
  /// not journal the hold within `wait` (the hold is lifted again).
  [[nodiscard]] static Result<DrillHold> take(const Layout& layout,
                                              const std::string& service,
                                              Millis wait);
  DrillHold(DrillHold&& other) noexcept;
  DrillHold& operator=(DrillHold&&) = delete;
  DrillHold(const DrillHold&) = delete;
  ~DrillHold();

  static constexpr Millis k_drill_hold_limit{std::chrono::minutes(15)};

 private:
  DrillHold(Layout layout, std::string service, std::string token, std::optional<FileLock> lock);
  void lift();

  Layout m_layout;
  std::string m_service;
  std::string m_token;  ///< in the hold's reason: this drill's, not an operator's
  std::optional<FileLock> m_lock;
  bool m_active = true;
};

}  // namespace tether
