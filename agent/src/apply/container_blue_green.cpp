// The blue-green switch of a container service. The proxy is the truth about what serves: at
// every fault point it sends clients to a running container that passed its gate, and a switch
// a crash interrupted is settled by keeping that container and removing the others.
#include "apply/container_blue_green.hpp"

#include "apply/port_connections.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "core/termination.hpp"
#include "live/traffic_record.hpp"
#include "model/image_ref.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

namespace tether {
namespace {

constexpr Millis k_bg_drain_poll{50};

/// The tether.port label of `container`; 0 when it has none (not started by blue-green).
int bg_port_of(const LiveContainer& container) {
  const std::string text = label_of(container, k_label_port);
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() ? port : 0;
}

ReleaseId bg_release_of(const LiveContainer& container) {
  return container_release_id(label_of(container, k_label_image),
                              label_of(container, k_label_config_hash));
}

/// One converge: the service's names, its engine and proxy, and what serves.
class ContainerBlueGreenPass {
 public:
  ContainerBlueGreenPass(const DesiredService& desired,
                         const ContainerEngine& engine,
                         const ProxyDriver& proxy,
                         const PortDrain& drain)
      : m_desired(desired),
        m_service(desired.service.name),
        m_name(container_name_of(m_service)),
        m_next(candidate_container_name_of(m_service)),
        m_engine(engine),
        m_proxy(proxy),
        m_drain(drain) {}

  /// A running container of this service by `name`, or nullopt (absent, stopped, or not ours).
  Result<std::optional<LiveContainer>> ours(const std::string& name) const {
    auto live = m_engine.inspect(name);
    if (!live) return live.error();
    if (!*live || !(*live)->running || label_of(**live, k_label_service) != m_service)
      return std::optional<LiveContainer>();
    return *live;
  }

  /// Settles what an interrupted switch left (a candidate, a parked or half-renamed container):
  /// the one the proxy sends clients to (`traffic`) stays and takes the service's name, every
  /// other one goes. Afterwards only tether-<service> exists, and only when it runs; returns
  /// it, and sets `settled` when there was something to settle.
  Result<std::optional<LiveContainer>> settle(int traffic, bool& settled) const {
    const std::string prev = previous_container_name_of(m_service);
    std::vector<LiveContainer> present;
    for (const std::string& name : {m_name, m_next, prev}) {
      auto live = m_engine.inspect(name);
      if (!live) return live.error();
      if (!*live) continue;
      present.push_back(**live);
      present.back().name = name;
    }
    const auto runs = [&](const LiveContainer& live) {
      return live.running && label_of(live, k_label_service) == m_service;
    };
    std::optional<LiveContainer> serving;
    for (const LiveContainer& live : present) {
      if (!serving && runs(live) && bg_port_of(live) == traffic) serving = live;
    }
    // The proxy on neither (moved by hand, or never set): what runs under the service's name
    // stays until its successor passed.
    if (!serving && !present.empty() && present.front().name == m_name && runs(present.front()))
      serving = present.front();
    std::vector<std::string> others;
    for (const LiveContainer& live : present) {
      if (!serving || live.name != serving->name) others.push_back(live.name);
    }
    settled = std::any_of(others.begin(),
                          others.end(),
                          [&](const std::string& name) { return name != m_name; }) ||
              (serving && serving->name != m_name);
    if (settled)
      log_warn("settling an interrupted blue-green switch",
               {{"service", m_service},
                {"serving", serving ? serving->name : "none"},
                {"trafficPort", std::to_string(traffic)}});
    for (const std::string& name : others) {
      // What runs with clients left (a crash after the proxy moved) finishes them first.
      if (auto live = ours(name); live && *live) drain(**live);
      if (Status removed = m_engine.remove(name); !removed) return removed.error();
    }
    if (serving && serving->name != m_name) {
      if (Status renamed = m_engine.rename(serving->name, m_name); !renamed) return renamed.error();
      serving->name = m_name;
    }
    return serving;
  }

  /// New clients go to `port`; the traffic record says so (for status: the proxy is the truth).
  Status move_traffic(const Layout& layout, int port, const std::string& release) const {
    if (Status moved = m_proxy.send_traffic_to(port); !moved) return moved;
    const TrafficRecord record{port, release, m_proxy.describe(), now_rfc3339()};
    if (Status kept = write_traffic_record(traffic_record_file(layout, m_service), record); !kept)
      log_warn("cannot record where traffic goes",
               {{"service", m_service}, {"error", kept.error().describe()}});
    return ok_status();
  }

  /// The old container finishes what it has in flight (bounded by drainTimeout): first the
  /// proxy's old processes, which may still open connections to its port, are gone (nginx's
  /// pre-reload workers: ProxyDriver::settle), then no connection to its port is open.
  void drain(const LiveContainer& old) const {
    const Millis timeout = m_desired.service.switch_spec.drain_timeout;
    const auto start = std::chrono::steady_clock::now();
    const bool settled = m_proxy.settle(timeout);
    const auto left =
        timeout - std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
    const int port = bg_port_of(old);
    if (settled && (port == 0 || m_drain(port, std::max(left, Millis(0))))) return;
    log_warn("drain timeout: removing the old container with connections open",
             {{"service", m_service},
              {"container", old.name},
              {"proxy", m_proxy.describe()},
              {"drainTimeout", format_duration(timeout)}});
  }

  /// The old container drained, stops (its own SIGTERM handling) and goes; then the candidate
  /// takes the service's name.
  Status retire_and_promote(const std::optional<LiveContainer>& old) const {
    if (old) {
      drain(*old);
      const Millis stop = m_desired.service.container()->stop_timeout;
      if (Status stopped = m_engine.stop(m_name, stop); !stopped)
        log_warn("cannot stop the old container",
                 {{"service", m_service}, {"error", stopped.error().describe()}});
    }
    if (Status removed = m_engine.remove(m_name); !removed) return removed;
    return m_engine.rename(m_next, m_name);
  }

  const std::string& name() const { return m_name; }
  const std::string& next() const { return m_next; }

 private:
  const DesiredService& m_desired;
  const std::string& m_service;
  std::string m_name;
  std::string m_next;
  const ContainerEngine& m_engine;
  const ProxyDriver& m_proxy;
  const PortDrain& m_drain;
};

/// How a candidate's failure ends: the serving container kept serving throughout.
ContainerSwitchResult bg_candidate_failed(Error failure,
                                          const std::optional<LiveContainer>& serving,
                                          ContainerSwitchMode mode) {
  ContainerSwitchResult result;
  result.failure = std::move(failure);
  if (!serving) {
    result.end = ContainerSwitchEnd::down;
  } else if (mode == ContainerSwitchMode::with_rollback) {
    result.end = ContainerSwitchEnd::rolled_back;
    result.previous = bg_release_of(*serving);
  }
  return result;
}

ContainerSwitchResult bg_unchanged(Error failure) {
  ContainerSwitchResult result;
  result.failure = std::move(failure);
  return result;
}

}  // namespace

Status ContainerBlueGreen::start_candidate(const ContainerLaunch& launch,
                                           const DesiredService& desired) const {
  const ContainerEngine& engine = m_switcher.engine_for(desired.service);
  Status healthy = engine.run(launch);
  if (healthy) {
    log_info("container started",
             {{"service", launch.service},
              {"container", launch.name},
              {"image", launch.spec.image},
              {"port", std::to_string(launch.host_port)},
              {"stateCommit", launch.state_commit}});
    healthy = m_switcher.gate(desired, launch.name, launch.host_port);
  }
  if (!healthy) {
    if (Status removed = engine.remove(launch.name); !removed)
      log_warn("cannot remove the unhealthy candidate",
               {{"service", launch.service}, {"error", removed.error().describe()}});
  }
  return healthy;
}

PortDrain make_port_drain() {
  return [](int port, Millis timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (established_connections_to(port) > 0) {
      if (termination_requested() || std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(k_bg_drain_poll);
    }
    return true;
  };
}

ContainerSwitchResult ContainerBlueGreen::converge(const DesiredService& desired,
                                                   const std::string& state_commit,
                                                   ContainerSwitchMode mode) const {
  const std::string& service = desired.service.name;
  if (!desired.service.switch_spec.blue_green)
    return bg_unchanged(Error{service + ": blue-green without spec.switch.blueGreen", ""});
  const BlueGreenSpec& spec = *desired.service.switch_spec.blue_green;
  auto mounts = m_switcher.prepare(desired);
  if (!mounts) return bg_unchanged(mounts.error());
  const auto proxy = m_proxies(spec);
  // A proxy that does not answer now would not take the switch either: nothing starts.
  const auto traffic = proxy->traffic_port();
  if (!traffic) return bg_unchanged(traffic.error().with_context(service + ": blue-green switch"));
  const ContainerEngine& engine = m_switcher.engine_for(desired.service);
  const ContainerBlueGreenPass pass(desired, engine, *proxy, m_drain);
  bool settled = false;
  auto serving = pass.settle(*traffic, settled);
  if (!serving) return bg_unchanged(serving.error());
  if (settled && *serving && label_of(**serving, k_label_fingerprint) == desired.fingerprint) {
    // The interrupted switch had moved traffic to this declaration: it is done.
    m_switcher.record_converged(desired, state_commit);
    return ContainerSwitchResult{ContainerSwitchEnd::converged, std::nullopt, ok_status(), {}};
  }
  if (!*serving) {
    // Stopped, or not ours: it serves nothing, and the service's name is needed.
    if (Status removed = engine.remove(pass.name()); !removed) return bg_unchanged(removed.error());
  }
  const int held = *serving ? bg_port_of(**serving) : 0;
  const int port = other_port(spec, held != 0 ? held : *traffic);
  ContainerLaunch launch{service,
                         *desired.service.container(),
                         desired.release.config_hash,
                         state_commit,
                         *mounts,
                         desired.fingerprint};
  launch.name = pass.next();
  launch.host_port = port;
  if (Status healthy = start_candidate(launch, desired); !healthy)
    return bg_candidate_failed(healthy.error(), *serving, mode);
  fault::point("container-blue-green-gated");
  const std::string release = desired.release.short_text();
  if (Status moved = pass.move_traffic(m_layout, port, release); !moved) {
    // Not the image's fault: no rollback, no quarantine; the old one still serves.
    (void)engine.remove(pass.next());
    if (held != 0) (void)pass.move_traffic(m_layout, held, bg_release_of(**serving).short_text());
    return bg_unchanged(moved.error().with_context(service + ": traffic not moved to " +
                                                   pass.next() + " (port " + std::to_string(port) +
                                                   ")"));
  }
  log_info("traffic moved",
           {{"service", service},
            {"strategy", "blue-green"},
            {"to", release},
            {"port", std::to_string(port)},
            {"proxy", proxy->describe()},
            {"stateCommit", state_commit}});
  fault::point("container-blue-green-traffic-moved");
  // From here on the candidate serves: a failure to tidy up is settled by the next switch.
  if (Status promoted = pass.retire_and_promote(*serving); !promoted)
    return bg_unchanged(promoted.error().with_context(service + ": the old container"));
  fault::point("container-blue-green-promoted");
  m_switcher.record_converged(desired, state_commit);
  return ContainerSwitchResult{ContainerSwitchEnd::converged, std::nullopt, ok_status(), {}};
}

}  // namespace tether
