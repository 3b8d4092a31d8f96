#pragma once

#include "container/container_engine.hpp"
#include "model/desired.hpp"
#include "model/live.hpp"

namespace tether {

/// Fills `live[name].container` for every declared container service from the runtime's
/// `inspect` of tether-<name>. A runtime that cannot be asked is logged and leaves the entry
/// empty (the apply then fails at the pull with the runtime's own error).
void probe_containers(const Desired& desired, const ContainerEngines& engines, Live& live);

}  // namespace tether
