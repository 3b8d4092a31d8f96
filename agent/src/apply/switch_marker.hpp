#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"

#include <string>

namespace tether {

/// A switch counts only once its health gate passed. Before `current` moves, the applier
/// records where it moves from in `<service>/.switch-from`; the record goes when the gate
/// passed or the auto-rollback finished. An agent killed in between (a crash, a power cut, an
/// OOM kill) leaves the record behind, and the next pass puts `current` back first: the new
/// release is then switched to again, behind its health gate, instead of being left live
/// unverified (and, if broken, running broken).

/// Records that `service` is about to switch from `from_dir` to `to_dir` (fsync'd); nothing
/// to record when there is no release to go back to.
[[nodiscard]] Status begin_switch(const Layout& layout,
                                  const std::string& service,
                                  const std::string& from_dir,
                                  const std::string& to_dir);
/// The switch of `service` is settled, one way or the other.
void end_switch(const Layout& layout, const std::string& service);

/// Rollback drills (#23): a process that switches a service beside the agent (`tether drill`)
/// holds an flock on this file meanwhile; its marker is not the agent's to undo until the lock
/// is released (by the process, or by its death).
[[nodiscard]] fs::path switch_owner_lock(const Layout& layout, const std::string& service);

/// Switches every service with an unsettled switch back to the release it left (when that is
/// still installed), journals it as an auto-rollback, and clears the records. Called before a
/// pass probes the host; never while a switch of this process is under way. Says whether it
/// found any record (and so may have changed what a probe would see).
bool undo_unsettled_switches(const Layout& layout);

}  // namespace tether
