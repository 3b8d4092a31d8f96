#pragma once

#include "apply/history_store.hpp"
#include "apply/hook_runner.hpp"
#include "apply/journal.hpp"
#include "apply/notifier.hpp"
#include "apply/service_runner.hpp"
#include "core/layout.hpp"
#include "model/desired.hpp"
#include "model/history.hpp"
#include "model/live.hpp"
#include "model/plan.hpp"

#include <string>
#include <vector>

namespace tether {

class ContainerSwitcher;

struct ApplyOutcome {
  std::string service;
  ActionKind kind = ActionKind::install;
  bool ok = false;
  bool rolled_back = false;  ///< an automatic rollback restored the previous release
  std::string error;
};

/// Carries out a Plan on the host: install, switch, bring up behind the health gate, journal,
/// prune. Each service is handled on its own: one failing service does not stop the others.
/// A failure before the switch changes nothing live. A new release that does not come up
/// healthy is switched away from at once (auto-rollback to the release that was serving) and
/// quarantined so later passes do not retry it.
class Applier {
 public:
  Applier(Layout layout,
          const ServiceRunner& runner,
          const HookRunner& hooks,
          Journal journal,
          HistoryStore history,
          Notifier& notifier,
          const ContainerSwitcher* containers = nullptr);

  [[nodiscard]] std::vector<ApplyOutcome> apply(const Plan& plan,
                                                const Desired& desired,
                                                const Live& live) const;

 private:
  struct Context;
  /// Carries out one action and journals it (plus any auto-rollback that followed).
  [[nodiscard]] ApplyOutcome apply_one(const ServiceAction& action,
                                       const Desired& desired,
                                       const Live& live,
                                       const std::string& state_commit,
                                       History& history) const;
  [[nodiscard]] Status apply_action(const ServiceAction& action, Context& context) const;
  [[nodiscard]] Status switch_and_verify(const ServiceAction& action, Context& context) const;
  void roll_back(const ServiceAction& action,
                 const std::string& previous,
                 const Error& failure,
                 Context& context) const;
  /// A container service's action (applier_container.cpp): the same health gate,
  /// auto-rollback, quarantine and journal as a binary release, through the container runtime.
  [[nodiscard]] Status apply_container(const ServiceAction& action,
                                       const DesiredService& desired,
                                       const std::string& state_commit,
                                       History& history,
                                       std::vector<JournalEntry>& follow_ups) const;
  void record(const JournalEntry& entry) const;
  void prune(const PruneAction& prune, const std::string& state_commit) const;

  Layout m_layout;
  const ServiceRunner& m_runner;
  const HookRunner& m_hooks;
  Journal m_journal;
  HistoryStore m_history;
  Notifier& m_notifier;
  const ContainerSwitcher* m_containers;  ///< nullptr: container services fail with a hint
};

}  // namespace tether
