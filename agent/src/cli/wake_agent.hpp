#pragma once

#include "core/layout.hpp"

namespace tether {

/// Asks the agent that holds the root's lock (if any) to run a pass now (SIGHUP), so what a
/// command changed in `state/` takes effect and shows at once; without an agent the change
/// waits in its file for the next one.
void wake_agent(const Layout& layout);

}  // namespace tether
