#pragma once

#include "model/desired.hpp"
#include "model/plan.hpp"

#include <vector>

namespace tether {

/// The actions of `plan` in waves that may each be carried out at once: an action comes in a
/// later wave than every action of a service it depends on (`spec.dependsOn`), directly or
/// through services that have no action (a chain a -> b -> c with actions for a and c only
/// still puts c after a), and in the earliest wave that allows. Each wave keeps the plan's
/// order (dependency order, ties by name), so the waves are the same on every host and pass.
/// Each wave holds indices into `plan.actions`; dependencies outside `desired` are ignored.
/// Pure: no I/O.
[[nodiscard]] std::vector<std::vector<size_t>> apply_waves(const Plan& plan,
                                                           const Desired& desired);

}  // namespace tether
