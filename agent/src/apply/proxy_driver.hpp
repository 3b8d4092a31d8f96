#pragma once

#include "core/result.hpp"
#include "model/switch_spec.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tether {

/// The proxy in front of a blue-green service: which of the two local ports gets its clients.
/// One adapter per proxy (haproxy_runtime.cpp, nginx_driver.cpp); unit tests of the switch use a
/// fake. Every call has a deadline and honours SIGTERM.
class ProxyDriver {
 public:
  virtual ~ProxyDriver() = default;

  /// The port on 127.0.0.1 the proxy sends new connections to now.
  [[nodiscard]] virtual Result<int> traffic_port() const = 0;

  /// New connections go to 127.0.0.1:`port` from now on; connections in flight finish where
  /// they are. Confirmed by reading the proxy's state back.
  [[nodiscard]] virtual Status send_traffic_to(int port) const = 0;

  /// Waits until nothing the proxy ran before the last `send_traffic_to` of this driver can
  /// still open a connection to the old port: nginx's old workers finish the requests they
  /// have in flight (proxying them to the old port) before they exit, so the old release must
  /// not stop before they are gone. False when `timeout` passed first or the agent is stopping.
  /// HAProxy needs no wait (its runtime API moves the server in place; a connection that fails
  /// is retried to the new address), hence the default.
  [[nodiscard]] virtual bool settle(Millis /*timeout*/) const { return true; }

  /// For logs and errors: "haproxy app/live via /run/haproxy/admin.sock".
  [[nodiscard]] virtual std::string describe() const = 0;
};

/// haproxy_runtime.cpp: HAProxy's runtime API over its admin socket.
[[nodiscard]] std::unique_ptr<ProxyDriver> make_haproxy_driver(const HaproxyTarget& target);

/// nginx_driver.cpp: rewrites nginx's upstream include file (only one that is already a tether
/// upstream file: regular, not a symlink, with the marker line) and reloads nginx gracefully
/// (SIGHUP to the master the pid file names), confirmed through /proc within
/// `reload_deadline` (default 10s): nginx keeps its old workers when it refuses a configuration.
[[nodiscard]] std::unique_ptr<ProxyDriver> make_nginx_driver(
    const NginxTarget& target, std::optional<Millis> reload_deadline = std::nullopt);

/// The driver of the proxy `target` names (std::visit: a new proxy fails to compile until it
/// has a driver here).
[[nodiscard]] std::unique_ptr<ProxyDriver> make_proxy_driver(const ProxyTarget& target);

/// Makes the driver of the proxy `spec` names; tests pass their own factory.
using ProxyDriverFactory = std::function<std::unique_ptr<ProxyDriver>(const BlueGreenSpec& spec)>;

}  // namespace tether
