#include "agent/watch_targets.hpp"

namespace tether {

std::map<std::string, WatchTarget> watch_targets(const Layout& layout,
                                                 const Desired& desired,
                                                 const Live& live) {
  std::map<std::string, WatchTarget> targets;
  for (const auto& [name, service] : desired.services) {
    const auto it = live.find(name);
    if (it == live.end() || !it->second.serving || !it->second.serving->spec.health) continue;
    const ServingRecord& serving = *it->second.serving;
    const fs::path dir = serving.spec.container
                             ? layout.service_dir(name)
                             : layout.release_dir(name, serving.release.dir_name());
    // Watched whatever runs now: a process that died after the pass, a container paused or
    // removed meanwhile, fails its probes like a hung one and wakes a pass that repairs it,
    // instead of waiting for the next poll.
    targets[name] =
        WatchTarget{*serving.spec.health, dir, serving.fingerprint + "/" + it->second.instance};
  }
  return targets;
}

}  // namespace tether
