#pragma once

#include <string>

namespace tether {

/// How a switch through a service's strategy (spec.switch) ended, as the journal, the pass and
/// `tether_switch_total` tell it.
enum class SwitchOutcome {
  switched,     ///< the new release or settings passed the gate and serve
  rolled_back,  ///< they failed the gate: what served before serves again
  failed,       ///< the switch failed without a rollback (install, a proxy that refused)
};

[[nodiscard]] constexpr const char* outcome_name(SwitchOutcome outcome) {
  switch (outcome) {
    case SwitchOutcome::switched:
      return "switched";
    case SwitchOutcome::rolled_back:
      return "rolled_back";
    case SwitchOutcome::failed:
      return "failed";
  }
  return "failed";
}

/// One switch of a pass: the service, its strategy's name ("restart", "blue-green") and how it
/// ended.
struct SwitchCount {
  std::string service;
  std::string strategy;
  SwitchOutcome outcome = SwitchOutcome::switched;
  bool operator==(const SwitchCount&) const = default;
};

}  // namespace tether
