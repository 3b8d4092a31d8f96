#pragma once

#include "model/desired.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"
#include "model/suspension.hpp"

#include <string>

namespace tether {

/// The hold in force for each service of `desired` and each service live on the host, `now`
/// (RFC 3339 as rfc3339_of writes it) deciding whether a local hold's `until` has passed.
/// The host's own holds (`local`, from `tether suspend`) come before Git's, as the nearer
/// word in an incident; for each source a hold on the whole host comes before one on the
/// service.
[[nodiscard]] Suspensions suspensions_in_force(const Desired& desired,
                                               const Live& live,
                                               const HostSuspensions& local,
                                               const std::string& now);

/// Moves every action, removal and prune of a suspended service out of `plan` (its actions and
/// removals into `plan.suspended`, saying what it would do; a lifted quarantine stays as it is
/// too): a hold changes nothing. Called by make_plan() before sequencing, so the dependents of
/// a held service wait on its health as they would on any service without an action.
void hold_suspended(Plan& plan, const Suspensions& suspensions);

}  // namespace tether
