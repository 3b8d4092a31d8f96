#include "agent/watch_targets.hpp"

namespace tether {
namespace {

bool runs_as_served(const LiveService& live, const ServingRecord& serving) {
  if (live.fingerprint != serving.fingerprint) return false;
  if (serving.spec.container) return live.container && live.container->running;
  const auto& run = serving.spec.run;
  if (run && std::holds_alternative<ExecRun>(*run)) return live.process == ProcessState::running;
  return true;  // a systemd unit: systemd keeps it up; the probe says whether it serves
}

}  // namespace

std::map<std::string, WatchTarget> watch_targets(const Layout& layout,
                                                 const Desired& desired,
                                                 const Live& live) {
  std::map<std::string, WatchTarget> targets;
  for (const auto& [name, service] : desired.services) {
    const auto it = live.find(name);
    if (it == live.end() || !it->second.serving) continue;
    const ServingRecord& serving = *it->second.serving;
    if (!serving.spec.health || !runs_as_served(it->second, serving)) continue;
    const fs::path dir = serving.spec.container
                             ? layout.service_dir(name)
                             : layout.release_dir(name, serving.release.dir_name());
    targets[name] =
        WatchTarget{*serving.spec.health, dir, serving.fingerprint + "/" + it->second.instance};
  }
  return targets;
}

}  // namespace tether
