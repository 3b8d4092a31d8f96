#pragma once

#include "core/result.hpp"
#include "model/desired.hpp"

#include <optional>
#include <string>
#include <utility>

namespace tether {

/// One switch of a binary service, as the applier hands it to a SwitchStrategy.
struct SwitchRequest {
  const DesiredService& desired;  ///< what takes over: the declaration or the serving spec
  std::string from_dir;           ///< the release dir that serves now ("" when none does)
  std::string to_dir;             ///< the release dir that takes over (== from_dir: reconfigure)
  const std::string& state_commit;
};

/// How far a switch got.
enum class SwitchStage {
  /// Failed before the new release was started (the stop, the marker, `current`): the error is
  /// the action's as it is, with no fall-back; the next pass repairs what is left.
  aborted,
  /// The new release was started: the status is its health gate's verdict.
  gated,
};

struct SwitchResult {
  SwitchStage stage = SwitchStage::gated;
  Status status = ok_status();
};

/// A switch that failed before the new release was started.
[[nodiscard]] inline SwitchResult aborted_switch(Status failed) {
  return SwitchResult{SwitchStage::aborted, std::move(failed)};
}

/// How a new release of a binary service takes over from the one that serves: the part of a
/// switch between the preSwitch hook and the postSwitch hook or the fall-back. The applier
/// runs the hooks, records what serves once the gate passed, ends the switch marker
/// (switch_marker.hpp) and, when `switch_to` fails, quarantines and calls `switch_back`.
///
/// A strategy must keep a switch crash-safe: before `current` moves it records the switch with
/// `begin_switch`, so an agent killed before the switch settled puts `current` back first on
/// its next start. Each strategy is one file in `apply/`, registered in switch_strategies.cpp.
class SwitchStrategy {
 public:
  virtual ~SwitchStrategy() = default;

  /// Makes `to_dir` the release that serves `desired` and brings it up behind the health gate.
  /// A gated error says why it is not healthy (`stopping` when the agent is stopping); the
  /// applier then goes back through `switch_back` when there is something to go back to.
  [[nodiscard]] virtual SwitchResult switch_to(const SwitchRequest& request) const = 0;

  /// After a failed `switch_to`: makes `to_dir` (what served before, as `desired`) serve again,
  /// away from `from_dir` (what failed), and brings it up behind its gate.
  [[nodiscard]] virtual Status switch_back(const SwitchRequest& request) const = 0;

  /// A restart or repair of `request.to_dir` (== `from_dir`: no release change) behind the
  /// health gate, when the strategy does it its own way (blue-green starts the replacement
  /// beside the one that serves); nullopt: the applier restarts through the service runner.
  [[nodiscard]] virtual std::optional<Status> restart(const SwitchRequest& /*request*/) const {
    return std::nullopt;
  }
};

/// Which strategy switches a binary service. The agent's choice is BuiltInSwitchStrategies
/// (switch_strategies.hpp); tests pass their own.
class SwitchStrategies {
 public:
  virtual ~SwitchStrategies() = default;
  [[nodiscard]] virtual const SwitchStrategy& strategy_for(const DesiredService& desired) const = 0;
};

}  // namespace tether
