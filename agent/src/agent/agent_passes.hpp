#pragma once

#include "agent/daemon_loop.hpp"
#include "agent/pass_displays.hpp"
#include "agent/reconciler.hpp"
#include "proposal/proposer.hpp"
#include "report/last_pass_file.hpp"

namespace tether {

/// The real PassRunner: the Reconciler's passes and the revert proposals they call for, each
/// recorded in the last-pass file and, in the daemon, shown on `displays` with the freed heap
/// handed back to the system.
class AgentPasses final : public PassRunner {
 public:
  /// `displays`: nullptr for `run --once`.
  AgentPasses(Reconciler& reconciler,
              const Layout& layout,
              HostIdentity host,
              proposal::Proposer proposer,
              PassDisplays* displays);

  [[nodiscard]] PassResult run(PassTrigger trigger) override;
  void publish(const PassResult& result, Clock::TimePoint::duration took) override;

 private:
  /// The status `result` leaves; for a pass that reused the last one (agent/quiet_poll), the
  /// last full pass's services with this pass's fetch and time, updated in place: a copy of
  /// every service's status would be a good part of what a quiet poll costs (issue #22).
  [[nodiscard]] const AgentStatus& status_after(const PassResult& result);

  Reconciler& m_reconciler;
  HostIdentity m_host;
  proposal::Proposer m_proposer;
  LastPassFile m_last_pass;
  PassDisplays* m_displays;
  std::optional<AgentStatus> m_last_status;  ///< of the last pass
};

}  // namespace tether
