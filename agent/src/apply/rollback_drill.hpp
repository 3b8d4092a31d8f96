#pragma once

#include "apply/switch_strategy.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"
#include "model/desired.hpp"

#include <string>

namespace tether {

/// What a rollback drill (`tether drill SERVICE`) switches between: the release that serves
/// (what the state commit declares, as it passed its gate) and the previous good release.
struct DrillPlan {
  DesiredService serving;    ///< the serving spec: what runs before and must run after
  DesiredService previous;   ///< the previous good release, as its release record runs it
  std::string state_commit;  ///< the serving record's: what the journal entry names
};

/// How one drill went. Both legs go through the normal health gate.
struct DrillResult {
  Millis rollback{0};  ///< the switch to the previous release, until its gate passed or failed
  Millis back{0};      ///< the switch back to what serves, until its gate passed or failed
  bool rollback_ok = false;
  bool back_ok = false;
  std::string error;  ///< why it failed; "" when both legs passed
  [[nodiscard]] bool ok() const { return rollback_ok && back_ok; }
};

/// Works out the drill from the host (probe, history, release and serving records) or says
/// why there is none: the service is not a binary release that is converged on what passed
/// its gate, a release of it is quarantined, there is no previous good release (intact, with a
/// recorded run spec), or the two releases are recorded with different migration states
/// (`spec.migrations`: a rehearsal never moves the schema or runs code against another one).
[[nodiscard]] Result<DrillPlan> plan_drill(const Layout& layout, const std::string& service);

/// Switches to `plan.previous` through `strategies`' switch and its gate, then back to
/// `plan.serving` the same way, whether the first leg passed or not, timing each. The crash
/// marker covers each leg: an agent started after a crash mid-drill puts `current` back.
[[nodiscard]] DrillResult run_drill(const Layout& layout,
                                    const DrillPlan& plan,
                                    const SwitchStrategies& strategies);

/// Journals the drill (action `drill`, both durations in its reason) and records it for the
/// metrics in `state/drills.json`.
[[nodiscard]] Status record_drill(const Layout& layout,
                                  const DrillPlan& plan,
                                  const DrillResult& result);

}  // namespace tether
