#pragma once

#include "model/condition.hpp"
#include "model/desired.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tether {

/// The services of `desired` in dependency order: every service after the services it depends
/// on (`spec.dependsOn`), ties broken by name, so the order is the same on every host and pass.
/// Dependencies outside `desired` are ignored; services on a cycle (refused by validation, so
/// never seen by an agent) come last, by name.
[[nodiscard]] std::vector<std::string> dependency_order(const Desired& desired);

/// The last step of make_plan():
/// - restarts and drift repairs of a service whose `conditions` hold them back move from
///   `plan.actions` to `plan.delayed` (flap damping);
/// - an action whose dependency is not healthy moves to `plan.blocked`, naming the dependency
///   and why: its own action is delayed or blocked, its last change failed (`conditions`), or it
///   is quarantined and nothing healthy serves it;
/// - an action whose dependency has an action of its own lists it in `after` (it runs in the
///   same pass once the dependency succeeded);
/// - `plan.actions` is put in dependency order.
void sequence_plan(Plan& plan,
                   const Desired& desired,
                   const Live& live,
                   const Conditions& conditions);

/// Services that failed or were blocked so far in a pass -> why.
using PassTrouble = std::map<std::string, std::string>;

/// Whether `action` must wait, given what went wrong earlier in the pass: the blocked entry for
/// its first dependency (in `after`) that failed or was blocked, or nullopt when it may run.
[[nodiscard]] std::optional<BlockedService> blocked_in_pass(const ServiceAction& action,
                                                            const PassTrouble& trouble);

}  // namespace tether
