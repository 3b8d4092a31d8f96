// The socket hand-off switch, for services that speak systemd's socket activation
// (LISTEN_FDS): tether holds the service's listening sockets and passes the same ones to each
// release. The new release starts beside the old one on those sockets, and both take
// connections from one listen queue until the new one said READY=1 (its gate); then the old
// one gets SIGTERM, stops accepting, finishes what it has in flight (bounded by drainTimeout)
// and exits. No connection is refused meanwhile: the queue outlives every process but the
// last. A release that fails its gate is stopped again (it took some connections during the
// gate: docs/zero-downtime.md says so); the old one never stopped.
//
// Between switches the serving release holds the sockets: an agent that restarted takes them
// from it (pidfd_getfd). The fault points are where the kill -9 tests stop the agent; at each
// of them a release that passed its gate still listens on the sockets.
#include "apply/current_link.hpp"
#include "apply/listen_sockets.hpp"
#include "apply/stray_processes.hpp"
#include "apply/switch_marker.hpp"
#include "apply/switch_strategies.hpp"
#include "core/fault_point.hpp"
#include "core/log.hpp"

namespace tether {
namespace {

class SocketHandoffSwitch final : public SwitchStrategy {
 public:
  SocketHandoffSwitch(Layout layout, const ServiceRunner& runner)
      : m_layout(std::move(layout)), m_runner(runner) {}

  SwitchResult switch_to(const SwitchRequest& request) const override {
    const DesiredService& desired = request.desired;
    const std::string& name = desired.service.name;
    if (!desired.service.switch_spec.socket_handoff)
      return aborted_switch(Error{name + ": socket-handoff without spec.switch.socketHandoff", ""});
    const std::optional<ProcessRecord> serving = running(name, PidSlot::serving);
    auto sockets = acquire(desired, serving);
    if (!sockets) return aborted_switch(sockets.error().with_context(name + ": socket hand-off"));
    if (Status cleared = clear_leftovers(desired); !cleared)
      return aborted_switch(std::move(cleared));
    fault::point("socket-handoff-acquired");
    if (Status up = m_runner.bring_up_on_sockets(desired, request.to_dir, sockets->passed()); !up)
      return SwitchResult{SwitchStage::gated, std::move(up)};
    fault::point("socket-handoff-gated");
    if (Status promoted = promote(request, serving.has_value()); !promoted)
      return aborted_switch(std::move(promoted));
    const auto now_serving = running(name, PidSlot::serving);
    log_info("sockets handed over",
             {{"service", name},
              {"strategy", "socket-handoff"},
              {"from", serving ? serving->release_dir : ""},
              {"to", request.to_dir},
              {"pid", now_serving ? std::to_string(now_serving->pid) : ""},
              {"sockets", sockets->describe()},
              {"stateCommit", request.state_commit}});
    fault::point("socket-handoff-promoted");
    if (serving) retire(desired);
    return SwitchResult{SwitchStage::gated, ok_status()};
  }

  Status switch_back(const SwitchRequest& request) const override {
    const std::string& name = request.desired.service.name;
    const std::optional<ProcessRecord> serving = running(name, PidSlot::serving);
    // The usual case: the failed candidate was stopped and what served never stopped.
    if (serving && serving->release_dir == request.to_dir && !running(name, PidSlot::candidate))
      return switch_current(m_layout, name, request.to_dir);
    return switch_to(request).status;
  }

  std::optional<Status> restart(const SwitchRequest& request) const override {
    return switch_to(request).status;
  }

 private:
  std::optional<ProcessRecord> running(const std::string& service, PidSlot slot) const {
    return m_runner.supervisor().running_in(service, slot);
  }

  Millis stop_timeout_of(const DesiredService& desired) const {
    const auto& run = desired.service.run;
    const ExecRun* exec = run ? std::get_if<ExecRun>(&*run) : nullptr;
    return exec ? exec->stop_timeout : Millis(std::chrono::seconds(10));
  }

  /// The sockets, from whichever of the service's processes holds them (the serving one
  /// first), else new. With no recorded process alive, a process left by an agent killed
  /// between spawn and record may hold them: it is stopped first, as a serving start does.
  Result<ListenSockets> acquire(const DesiredService& desired,
                                const std::optional<ProcessRecord>& serving) const {
    const std::string& name = desired.service.name;
    std::vector<pid_t> holders;
    if (serving) holders.push_back(serving->pid);
    for (const PidSlot slot : {PidSlot::retiring, PidSlot::candidate}) {
      if (auto other = running(name, slot)) holders.push_back(other->pid);
    }
    if (holders.empty()) {
      if (const int strays = kill_stray_processes(m_layout.service_dir(name)); strays > 0)
        log_warn("killed processes left by an interrupted start or a crashed service",
                 {{"service", name}, {"count", std::to_string(strays)}});
    }
    return ListenSockets::acquire(name, *desired.service.switch_spec.socket_handoff, holders);
  }

  /// What an interrupted switch left (the agent holds the sockets by now): a candidate that
  /// was being gated, and an old release that was draining, stop.
  Status clear_leftovers(const DesiredService& desired) const {
    const std::string& name = desired.service.name;
    const bool candidate = running(name, PidSlot::candidate).has_value();
    const bool retiring = running(name, PidSlot::retiring).has_value();
    if (!candidate && !retiring) return ok_status();
    log_warn("clearing an interrupted socket hand-off",
             {{"service", name},
              {"candidate", candidate ? "running" : "none"},
              {"retiring", retiring ? "running" : "none"}});
    const ExecSupervisor& supervisor = m_runner.supervisor();
    const Millis timeout = stop_timeout_of(desired);
    if (Status stopped = supervisor.stop_slot(name, PidSlot::candidate, timeout); !stopped)
      return stopped;
    return supervisor.stop_slot(name, PidSlot::retiring, desired.service.switch_spec.drain_timeout);
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
    const ExecSupervisor& supervisor = m_runner.supervisor();
    if (had_serving) {
      if (Status kept = supervisor.move_slot(name, PidSlot::serving, PidSlot::retiring); !kept)
        return kept;
    }
    return supervisor.move_slot(name, PidSlot::candidate, PidSlot::serving);
  }

  /// The old release gets SIGTERM: it stops accepting (the new one takes the queue) and
  /// finishes what it has in flight; SIGKILL once drainTimeout passed.
  void retire(const DesiredService& desired) const {
    const std::string& name = desired.service.name;
    const Millis drain = desired.service.switch_spec.drain_timeout;
    if (Status stopped = m_runner.supervisor().stop_slot(name, PidSlot::retiring, drain); !stopped)
      log_warn("cannot stop the old release",
               {{"service", name}, {"error", stopped.error().describe()}});
  }

  Layout m_layout;
  const ServiceRunner& m_runner;
};

}  // namespace

std::unique_ptr<SwitchStrategy> make_socket_handoff_switch(const Layout& layout,
                                                           const ServiceRunner& runner) {
  return std::make_unique<SocketHandoffSwitch>(layout, runner);
}

}  // namespace tether
