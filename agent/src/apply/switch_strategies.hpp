#pragma once

#include "apply/proxy_driver.hpp"
#include "apply/release_slots.hpp"
#include "apply/service_runner.hpp"
#include "apply/switch_strategy.hpp"
#include "core/layout.hpp"

#include <memory>

namespace tether {

/// restart_switch.cpp: stop what serves, then switch `current` and start the new release
/// (there is a gap without service, as long as the stop and the start take).
[[nodiscard]] std::unique_ptr<SwitchStrategy> make_restart_switch(const Layout& layout,
                                                                  const ServiceRunner& runner);

/// blue_green_switch.cpp: start the new release beside the old one on the other port, gate it
/// there, move the proxy (`proxies` makes its driver), drain and stop the old one.
[[nodiscard]] std::unique_ptr<SwitchStrategy> make_blue_green_switch(
    const Layout& layout, std::unique_ptr<ReleaseSlots> slots, ProxyDriverFactory proxies);

/// socket_handoff_switch.cpp: hold the service's listening sockets, start the new release
/// beside the old one on the same sockets (LISTEN_FDS), gate it on READY=1, then SIGTERM the
/// old one, which drains (bounded by drainTimeout).
[[nodiscard]] std::unique_ptr<SwitchStrategy> make_socket_handoff_switch(
    const Layout& layout, const ServiceRunner& runner);

/// The switch strategies this agent has, and the one place that chooses one for a service:
/// a new strategy is its file's `make_..._switch` above and a line in `strategy_for`.
class BuiltInSwitchStrategies final : public SwitchStrategies {
 public:
  BuiltInSwitchStrategies(const Layout& layout, const ServiceRunner& runner);

  /// `spec.switch.strategy`: restart (the default), blue-green or socket-handoff.
  [[nodiscard]] const SwitchStrategy& strategy_for(const DesiredService& desired) const override;

 private:
  std::unique_ptr<SwitchStrategy> m_restart;
  std::unique_ptr<SwitchStrategy> m_blue_green;
  std::unique_ptr<SwitchStrategy> m_socket_handoff;
};

}  // namespace tether
