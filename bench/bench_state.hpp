#pragma once

#include "model/desired.hpp"
#include "model/live.hpp"
#include "model/snapshot.hpp"

#include <cstddef>

namespace tether::bench {

/// A state repo of `services` binary services in the shape operators write them (release,
/// config file, exec, HTTP health), every one selected for every host.
[[nodiscard]] StateSnapshot make_state(size_t services);

/// What is live when the host runs every desired service converged (current intact, process
/// up), or, with `behind`, every service one release behind its target.
[[nodiscard]] Live make_live(const Desired& desired, bool behind);

}  // namespace tether::bench
