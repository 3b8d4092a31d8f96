#pragma once

#include "apply/proxy_driver.hpp"
#include "container/container_switcher.hpp"
#include "core/duration.hpp"
#include "core/layout.hpp"

#include <functional>

namespace tether {

/// Waits until no connection to a published port is open or the timeout passed (false), or
/// SIGTERM; the real one reads /proc/net/tcp* (apply/port_connections.hpp), tests pass a stub.
using PortDrain = std::function<bool(int port, Millis timeout)>;

/// The real drain: polls `established_connections_to(port)`.
[[nodiscard]] PortDrain make_port_drain();

/// The blue-green switch of a container service (`spec.switch.strategy: blue-green`): the new
/// container starts beside tether-<service> as tether-<service>-next, published on 127.0.0.1
/// at the blue-green port the serving one does not hold, and is gated there; only then does
/// the proxy send new clients to it, the old container drains (bounded by drainTimeout) and
/// goes, and the new one takes the service's name. A candidate that fails its gate is removed
/// and the old container never stopped. A switch a crash interrupted is settled first: the
/// container the proxy sends clients to stays (and takes the service's name), every other one
/// goes. The fault points (container-blue-green-gated, -traffic-moved, -promoted) are where the
/// kill -9 tests stop the agent.
class ContainerBlueGreen {
 public:
  ContainerBlueGreen(Layout layout,
                     const ContainerSwitcher& switcher,
                     ProxyDriverFactory proxies,
                     PortDrain drain)
      : m_layout(std::move(layout)),
        m_switcher(switcher),
        m_proxies(std::move(proxies)),
        m_drain(std::move(drain)) {}

  /// ContainerSwitcher::converge's contract, beside instead of in place: `rolled_back` means
  /// the candidate failed and the serving container kept serving (with_rollback); in `replace`
  /// mode such a failure is `unchanged`, and `down` when nothing served before.
  [[nodiscard]] ContainerSwitchResult converge(const DesiredService& desired,
                                               const std::string& state_commit,
                                               ContainerSwitchMode mode) const;

 private:
  /// Runs `launch` (the candidate, on its own port) and gates it there; a candidate that fails
  /// is removed.
  [[nodiscard]] Status start_candidate(const ContainerLaunch& launch,
                                       const DesiredService& desired) const;

  Layout m_layout;
  const ContainerSwitcher& m_switcher;
  ProxyDriverFactory m_proxies;
  PortDrain m_drain;
};

}  // namespace tether
