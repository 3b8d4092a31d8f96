#pragma once

#include "apply/applier.hpp"

namespace tether {

/// What one action of Applier works with (private to the applier's files).
struct Applier::Context {
  const DesiredService& declared;  ///< the declaration at the state commit
  DesiredService desired;          ///< what the action starts: the declaration or the serving spec
  const LiveService* live;
  const std::string& state_commit;
  History& history;
  std::vector<JournalEntry> follow_ups;  ///< journaled after the action's own entry
};

/// A release as the journal names it.
[[nodiscard]] inline JournalRelease journal_release(const ReleaseId& id) {
  return JournalRelease{id.version, id.commit, id.dir_name()};
}

}  // namespace tether
