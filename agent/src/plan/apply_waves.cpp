#include "plan/apply_waves.hpp"

#include "plan/sequencing.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace tether {

std::vector<std::vector<size_t>> apply_waves(const Plan& plan, const Desired& desired) {
  std::map<std::string, size_t> action_of;  // service -> its index in plan.actions
  for (size_t i = 0; i < plan.actions.size(); ++i) action_of[plan.actions[i].service] = i;
  // For every service: the first wave its action may take (the waves that its dependencies'
  // actions, direct or through services without one, must be done by). Dependencies come
  // first in dependency_order; a dependency not seen yet (on a cycle, which validation
  // refuses) counts as wave 0.
  std::map<std::string, size_t> earliest;
  std::map<std::string, size_t> done_after;  // service -> waves before its dependents may run
  for (const std::string& name : dependency_order(desired)) {
    size_t wave = 0;
    for (const std::string& dep : desired.services.at(name).service.depends_on) {
      if (const auto it = done_after.find(dep); it != done_after.end())
        wave = std::max(wave, it->second);
    }
    earliest[name] = wave;
    done_after[name] = wave + (action_of.count(name) != 0 ? 1 : 0);
  }
  std::vector<std::vector<size_t>> waves;
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    // An action of a service no longer in `desired` depends on nothing here.
    const auto it = earliest.find(plan.actions[i].service);
    const size_t wave = it == earliest.end() ? 0 : it->second;
    if (waves.size() <= wave) waves.resize(wave + 1);
    waves[wave].push_back(i);
  }
  // No wave is empty: an action in wave w > 0 waits for one in wave w - 1.
  return waves;
}

}  // namespace tether
