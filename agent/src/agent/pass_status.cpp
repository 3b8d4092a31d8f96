#include "agent/pass_status.hpp"

#include "core/files.hpp"

#include <algorithm>

namespace tether {
namespace {

DeclaredRelease declared(const DesiredService& service) {
  if (const auto* container = std::get_if<ContainerSpec>(&service.service.workload)) {
    return {"", "", container->image};
  }
  return {service.release.version, service.release.commit, ""};
}

/// The state, and for blocked and degraded services who they wait for and why.
ServiceState state_of(const std::string& name, const PassResult& pass, ServiceStatus& status) {
  const auto& quarantined = pass.plan.quarantined;
  if (std::find(quarantined.begin(), quarantined.end(), name) != quarantined.end()) {
    return ServiceState::quarantined;
  }
  if (pass.errors.count(name) != 0) return ServiceState::failed;
  if (const auto it = pass.unhealthy.find(name); it != pass.unhealthy.end()) {
    status.reason = it->second;
    return ServiceState::unhealthy;
  }
  for (const SuspendedService& held : pass.plan.suspended) {
    if (held.action.service != name) continue;
    status.reason = "held by " + held.suspension.source + " (" + held.suspension.reason +
                    "): would " + to_string(held.action.kind) + " (" + held.action.reason + ")";
    return ServiceState::suspended;
  }
  for (const BlockedService& blocked : pass.blocked) {
    if (blocked.action.service != name) continue;
    status.blocked_on = blocked.dependency;
    status.reason = blocked.reason;
    return ServiceState::blocked;
  }
  // A change that failed stays `failed` while its retry is backed off.
  const auto failing = pass.failing.find(name);
  for (const DelayedAction& delayed : pass.plan.delayed) {
    if (delayed.action.service != name) continue;
    status.reason = std::string(to_string(delayed.action.kind)) + " backed off for another " +
                    format_duration(delayed.wait) + ": " + delayed.action.reason + " (" +
                    std::to_string(delayed.attempts) + " in a row)";
    if (failing == pass.failing.end()) return ServiceState::degraded;
  }
  if (failing != pass.failing.end()) {
    status.error = failing->second;
    return ServiceState::failed;
  }
  const auto it = pass.converged.find(name);
  return it != pass.converged.end() && it->second ? ServiceState::converged : ServiceState::pending;
}

WaveView wave_view(const ServiceWave& wave) {
  const WaveStatus& s = wave.status;
  return WaveView{s.wave + 1,
                  s.waves,
                  s.percent,
                  rfc3339_of(std::chrono::system_clock::time_point(s.due_at)),
                  wave.start_commit,
                  to_string(s.wait)};
}

}  // namespace

AgentStatus status_of(const PassResult& pass, const HostIdentity& host, std::string finished_at) {
  AgentStatus status;
  status.host = host.id;
  status.labels = pass.desired ? pass.desired->host_labels : host.labels;
  status.desired_commit = pass.state_commit;
  status.tip_commit = pass.tip_commit;
  status.pass_time = std::move(finished_at);
  status.outcome = to_string(pass.outcome);
  status.problem = pass.problem;
  if (!pass.desired) return status;
  for (const auto& [name, service] : pass.desired->services) {
    ServiceStatus& s = status.services[name];
    s.desired = declared(service);
    s.state = state_of(name, pass, s);
    if (const auto it = pass.errors.find(name); it != pass.errors.end()) s.error = it->second;
    if (const auto it = pass.recovered_at.find(name); it != pass.recovered_at.end())
      s.recovered_at = it->second;
    if (const auto it = pass.suspended.find(name); it != pass.suspended.end())
      s.suspended = it->second;
    if (service.service.release() != nullptr)
      s.strategy = strategy_name(service.service.switch_spec.strategy);
  }
  for (const auto& [name, wave] : pass.waves) {
    ServiceStatus& s = status.services[name];
    s.wave = wave_view(wave);
    if (wave.status.wait == WaveWait::none) continue;
    // Held back by its wave: it is not in the desired services the pass converged to.
    s.desired = {wave.release.version, wave.release.commit, ""};
    s.state = ServiceState::pending;
    s.reason = wave.status.why;
  }
  return status;
}

}  // namespace tether
