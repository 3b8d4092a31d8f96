// The registration site of switch strategies: which one switches a binary service.
#include "apply/switch_strategies.hpp"

#include "core/overloaded.hpp"

namespace tether {

BuiltInSwitchStrategies::BuiltInSwitchStrategies(const Layout& layout, const ServiceRunner& runner)
    : m_restart(make_restart_switch(layout, runner)),
      m_blue_green(make_blue_green_switch(
          layout,
          make_exec_release_slots(runner),
          [](const BlueGreenSpec& spec) { return make_proxy_driver(spec.proxy); })),
      m_socket_handoff(make_socket_handoff_switch(layout, runner)) {}

std::unique_ptr<ProxyDriver> make_proxy_driver(const ProxyTarget& target) {
  return std::visit(
      Overloaded{[](const HaproxyTarget& haproxy) { return make_haproxy_driver(haproxy); },
                 [](const NginxTarget& nginx) { return make_nginx_driver(nginx); }},
      target);
}

const SwitchStrategy& BuiltInSwitchStrategies::strategy_for(const DesiredService& desired) const {
  switch (desired.service.switch_spec.strategy) {
    case SwitchStrategyKind::restart:
      return *m_restart;
    case SwitchStrategyKind::blue_green:
      return *m_blue_green;
    case SwitchStrategyKind::socket_handoff:
      return *m_socket_handoff;
  }
  return *m_restart;
}

}  // namespace tether
