#pragma once

#include "apply/exec_supervisor.hpp"
#include "apply/journal.hpp"
#include "core/layout.hpp"
#include "model/desired.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"

#include <string>
#include <vector>

namespace tether {

struct ApplyOutcome {
  std::string service;
  ActionKind kind = ActionKind::install;
  bool ok = false;
  std::string error;
};

/// Carries out a Plan on the host: install, stop, switch, start, journal, prune. Each service
/// is handled on its own: one failing service does not stop the others. A failure before the
/// switch changes nothing live; a failure to start the new release switches `current` back and
/// restarts the previous one.
class Applier {
 public:
  Applier(Layout layout, ExecSupervisor supervisor, Journal journal);

  [[nodiscard]] std::vector<ApplyOutcome> apply(const Plan& plan,
                                                const Desired& desired,
                                                const Live& live) const;

 private:
  [[nodiscard]] Status apply_action(const ServiceAction& action,
                                    const DesiredService& desired,
                                    const LiveService* live,
                                    const std::string& state_commit) const;
  [[nodiscard]] Status restart_on(const DesiredService& desired, const std::string& dir) const;
  void prune(const PruneAction& prune, const std::string& state_commit) const;

  Layout m_layout;
  ExecSupervisor m_supervisor;
  Journal m_journal;
};

}  // namespace tether
