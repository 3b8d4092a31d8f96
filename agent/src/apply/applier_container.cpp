// The container half of Applier: a container service goes through the same journal, quarantine
// and notification as a binary release; only the switch itself is the container runtime's.
#include "apply/applier.hpp"
#include "apply/applier_context.hpp"
#include "apply/container_blue_green.hpp"
#include "apply/container_images.hpp"
#include "container/container_switcher.hpp"

namespace tether {
namespace {

/// Images no release of the service needs any more go (issue #23): never the one just switched
/// to or tried, nor the one that served before it (the rollback target).
void prune_images(const Layout& layout,
                  const ContainerSwitcher& switcher,
                  const DesiredService& desired,
                  const LiveService* live) {
  const Service& service = desired.service;
  const std::string latest = service.container()->image;
  std::set<std::string> in_use = {latest};
  if (live != nullptr && live->serving && !live->serving->image.empty())
    in_use.insert(live->serving->image);
  (void)prune_container_images(
      layout, switcher.engine_for(service), service.name, latest, in_use, service.keep_releases);
}

}  // namespace

ContainerSwitchResult Applier::switch_container(const Context& context,
                                                ContainerSwitchMode mode) const {
  if (context.desired.service.switch_spec.strategy != SwitchStrategyKind::blue_green)
    return m_containers->converge(context.desired, context.state_commit, mode);
  // Restarts and repairs too go beside, then switch: the proxy keeps its clients meanwhile.
  const ContainerBlueGreen blue_green(
      m_layout,
      *m_containers,
      [](const BlueGreenSpec& spec) { return make_proxy_driver(spec.proxy); },
      make_port_drain());
  return blue_green.converge(context.desired, context.state_commit, mode);
}

Status Applier::apply_container(const ServiceAction& action, Context& context) const {
  const std::string& name = action.service;
  if (m_containers == nullptr) return no_container_runtime(name);
  // What passed its gate already (a repair, a restart, the serving spec) is replaced in
  // place; a new declaration keeps the serving container to go back to.
  const bool again = action.kind == ActionKind::repair || action.kind == ActionKind::restart ||
                     action.spec == SpecSource::serving;
  const ContainerSwitchMode mode =
      again ? ContainerSwitchMode::replace : ContainerSwitchMode::with_rollback;
  const ContainerSwitchResult result = switch_container(context, mode);
  prune_images(m_layout, *m_containers, context.desired, context.live);
  if (result.end == ContainerSwitchEnd::converged) {
    record_serving(context.desired, context);
    return ok_status();
  }
  const Error& failure = *result.failure;
  if (result.end == ContainerSwitchEnd::unchanged) {
    return failure.with_context(name + ": " + action.to.short_text() +
                                " not applied, the serving container is unchanged");
  }
  if (result.end == ContainerSwitchEnd::down) {
    // Nothing to go back to: no quarantine (it would leave the service down for good).
    return Error{failure.message + "; no previous container to go back to", failure.hint};
  }
  const std::string previous =
      result.previous ? result.previous->short_text() : std::string("the previous container");
  // The switcher went back already: the fallback only reports how that went.
  const Fallback fallback{"", result.previous, previous, previous, action.to.short_text(), [&] {
                            return result.restored;
                          }};
  return fall_back(action, failure, fallback, context);
}

}  // namespace tether
