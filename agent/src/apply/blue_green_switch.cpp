// The blue-green switch: the new release starts beside the one that serves, on the other of
// the service's two ports, and is gated there; only then does the proxy send new clients to
// it, and the old one drains and stops. A release that fails its gate never got a client and
// the old one never stopped serving. The fault points are where the kill -9 tests stop the
// agent; at each of them the proxy points at a live release that passed its gate.
#include "apply/current_link.hpp"
#include "apply/switch_marker.hpp"
#include "apply/switch_strategies.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/traffic_record.hpp"

#include <algorithm>
#include <chrono>

namespace tether {
namespace {

class BlueGreenSwitch final : public SwitchStrategy {
 public:
  BlueGreenSwitch(Layout layout, std::unique_ptr<ReleaseSlots> slots, ProxyDriverFactory proxies)
      : m_layout(std::move(layout)), m_slots(std::move(slots)), m_proxies(std::move(proxies)) {}

  SwitchResult switch_to(const SwitchRequest& request) const override {
    const DesiredService& desired = request.desired;
    const std::string& name = desired.service.name;
    if (!desired.service.switch_spec.blue_green)
      return aborted_switch(Error{name + ": blue-green without spec.switch.blueGreen", ""});
    const BlueGreenSpec& spec = *desired.service.switch_spec.blue_green;
    const auto proxy = m_proxies(spec);
    // A proxy that does not answer now would not take the switch either: nothing starts.
    const auto traffic = proxy->traffic_port();
    if (!traffic) return aborted_switch(traffic.error().with_context(name + ": blue-green switch"));
    std::optional<ProcessRecord> serving = m_slots->running(desired, PidSlot::serving);
    if (Status cleared = clear_leftovers(desired, *proxy, serving); !cleared)
      return aborted_switch(std::move(cleared));
    const int port = port_for_new(spec, serving, *traffic);
    if (Status up = m_slots->start_gated(desired, request.to_dir, port); !up)
      return SwitchResult{SwitchStage::gated, std::move(up)};
    fault::point("blue-green-gated");
    if (Status moved = move_traffic(desired, *proxy, port, request.to_dir); !moved) {
      // Not the release's fault: no rollback, no quarantine; the old one still serves and the
      // next pass tries again.
      (void)m_slots->stop(desired, PidSlot::candidate);
      if (serving && serving->port != 0)
        (void)move_traffic(desired, *proxy, serving->port, serving->release_dir);
      return aborted_switch(moved.error().with_context(name + ": traffic not moved to " +
                                                       request.to_dir + " (port " +
                                                       std::to_string(port) + ")"));
    }
    log_info("traffic moved",
             {{"service", name},
              {"strategy", "blue-green"},
              {"to", request.to_dir},
              {"port", std::to_string(port)},
              {"proxy", proxy->describe()},
              {"stateCommit", request.state_commit}});
    fault::point("blue-green-traffic-moved");
    if (Status promoted = promote(request, serving.has_value()); !promoted)
      return aborted_switch(std::move(promoted));
    fault::point("blue-green-promoted");
    if (serving) retire(desired, *proxy, *serving);
    return SwitchResult{SwitchStage::gated, ok_status()};
  }

  Status switch_back(const SwitchRequest& request) const override {
    const DesiredService& desired = request.desired;
    const std::optional<ProcessRecord> serving = m_slots->running(desired, PidSlot::serving);
    // The usual case: the failed release never took traffic and what served still runs.
    if (serving && serving->release_dir == request.to_dir && serving->port != 0 &&
        desired.service.switch_spec.blue_green) {
      (void)m_slots->stop(desired, PidSlot::candidate);
      const auto proxy = m_proxies(*desired.service.switch_spec.blue_green);
      if (Status back = move_traffic(desired, *proxy, serving->port, serving->release_dir); !back)
        return back;
      return switch_current(m_layout, desired.service.name, request.to_dir);
    }
    return switch_to(request).status;
  }

  std::optional<Status> restart(const SwitchRequest& request) const override {
    return switch_to(request).status;
  }

 private:
  /// The proxy sends new clients to `release` on `port`; the traffic record says so (a record
  /// that cannot be written is only a warning: it is for status, the proxy is the truth).
  Status move_traffic(const DesiredService& desired,
                      const ProxyDriver& proxy,
                      int port,
                      const std::string& release) const {
    if (Status moved = proxy.send_traffic_to(port); !moved) return moved;
    const std::string& name = desired.service.name;
    const TrafficRecord record{port, release, proxy.describe(), now_rfc3339()};
    if (Status kept = write_traffic_record(traffic_record_file(m_layout, name), record); !kept)
      log_warn("cannot record where traffic goes",
               {{"service", name}, {"error", kept.error().describe()}});
    return ok_status();
  }

  /// What an interrupted switch left: traffic goes back to the serving record's process
  /// first (when it runs), then the candidate and the retiring process stop.
  Status clear_leftovers(const DesiredService& desired,
                         const ProxyDriver& proxy,
                         const std::optional<ProcessRecord>& serving) const {
    const bool candidate = m_slots->running(desired, PidSlot::candidate).has_value();
    const bool retiring = m_slots->running(desired, PidSlot::retiring).has_value();
    if (!candidate && !retiring) return ok_status();
    log_warn("clearing an interrupted blue-green switch",
             {{"service", desired.service.name},
              {"candidate", candidate ? "running" : "none"},
              {"retiring", retiring ? "running" : "none"}});
    if (serving && serving->port != 0) {
      if (Status back = move_traffic(desired, proxy, serving->port, serving->release_dir); !back)
        return back;
    }
    if (Status stopped = m_slots->stop(desired, PidSlot::candidate); !stopped) return stopped;
    return m_slots->stop(desired, PidSlot::retiring);
  }

  /// The port the serving process does not use; with none serving, the one the proxy does not
  /// point at (whatever may still answer there is left alone until the new one passed).
  static int port_for_new(const BlueGreenSpec& spec,
                          const std::optional<ProcessRecord>& serving,
                          int traffic_port) {
    if (serving && serving->port != 0) return other_port(spec, serving->port);
    return other_port(spec, traffic_port);
  }

  /// The candidate becomes what serves: `current` moves (behind the switch marker) and the
  /// pid records follow (the old one kept as retiring until it stopped).
  Status promote(const SwitchRequest& request, bool had_serving) const {
    const std::string& name = request.desired.service.name;
    if (request.from_dir != request.to_dir) {
      if (Status begun = begin_switch(m_layout, name, request.from_dir, request.to_dir); !begun)
        return begun;
    }
    if (Status switched = switch_current(m_layout, name, request.to_dir); !switched)
      return switched;
    if (had_serving) {
      if (Status kept = m_slots->move(request.desired, PidSlot::serving, PidSlot::retiring); !kept)
        return kept;
    }
    return m_slots->move(request.desired, PidSlot::candidate, PidSlot::serving);
  }

  /// The old release finishes what it has in flight (bounded by drainTimeout), then stops:
  /// first the proxy's old processes, which may still open connections to its port, are gone,
  /// then no connection to its port is open.
  void retire(const DesiredService& desired,
              const ProxyDriver& proxy,
              const ProcessRecord& old) const {
    const Millis drain = desired.service.switch_spec.drain_timeout;
    const auto start = std::chrono::steady_clock::now();
    const bool settled = proxy.settle(drain);
    const auto left =
        drain - std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
    const bool drained =
        settled && (old.port == 0 || m_slots->drain(old.port, std::max(left, Millis(0))));
    if (!drained)
      log_warn(settled ? "drain timeout: stopping the old release with connections open"
                       : "drain timeout: stopping the old release while the proxy's old "
                         "processes may still send it requests",
               {{"service", desired.service.name},
                {"release", old.release_dir},
                {"proxy", proxy.describe()},
                {"drainTimeout", format_duration(drain)}});
    if (Status stopped = m_slots->stop(desired, PidSlot::retiring); !stopped)
      log_warn("cannot stop the old release",
               {{"service", desired.service.name}, {"error", stopped.error().describe()}});
  }

  Layout m_layout;
  std::unique_ptr<ReleaseSlots> m_slots;
  ProxyDriverFactory m_proxies;
};

}  // namespace

std::unique_ptr<SwitchStrategy> make_blue_green_switch(const Layout& layout,
                                                       std::unique_ptr<ReleaseSlots> slots,
                                                       ProxyDriverFactory proxies) {
  return std::make_unique<BlueGreenSwitch>(layout, std::move(slots), std::move(proxies));
}

}  // namespace tether
