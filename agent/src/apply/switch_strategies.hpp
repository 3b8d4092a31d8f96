#pragma once

#include "apply/service_runner.hpp"
#include "apply/switch_strategy.hpp"
#include "core/layout.hpp"

#include <memory>

namespace tether {

/// restart_switch.cpp: stop what serves, then switch `current` and start the new release
/// (there is a gap without service, as long as the stop and the start take).
[[nodiscard]] std::unique_ptr<SwitchStrategy> make_restart_switch(const Layout& layout,
                                                                  const ServiceRunner& runner);

/// The switch strategies this agent has, and the one place that chooses one for a service:
/// a new strategy is its file's `make_..._switch` above and a line in `strategy_for`.
class BuiltInSwitchStrategies final : public SwitchStrategies {
 public:
  BuiltInSwitchStrategies(const Layout& layout, const ServiceRunner& runner);

  /// Today every binary service switches by restart.
  [[nodiscard]] const SwitchStrategy& strategy_for(const DesiredService& desired) const override;

 private:
  std::unique_ptr<SwitchStrategy> m_restart;
};

}  // namespace tether
