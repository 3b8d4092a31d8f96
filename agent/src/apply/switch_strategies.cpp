// The registration site of switch strategies: which one switches a binary service.
#include "apply/switch_strategies.hpp"

namespace tether {

BuiltInSwitchStrategies::BuiltInSwitchStrategies(const Layout& layout, const ServiceRunner& runner)
    : m_restart(make_restart_switch(layout, runner)) {}

const SwitchStrategy& BuiltInSwitchStrategies::strategy_for(const DesiredService&) const {
  return *m_restart;
}

}  // namespace tether
