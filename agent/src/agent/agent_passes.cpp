#include "agent/agent_passes.hpp"

#include "agent/pass_status.hpp"
#include "agent/revert_proposals.hpp"
#include "core/files.hpp"

#include <malloc.h>

namespace tether {
namespace {

/// A clone, a manifest parse or an apply leaves freed heap that glibc keeps mapped; hand it back
/// so the idle daemon's footprint is what it needs for a quiet poll. Quiet polls free next to
/// nothing, so they skip the walk over the heap.
void give_back_freed_heap(const PassResult& result) {
  if (result.work.downloads > 0 || result.work.manifests_loaded || !result.plan.empty())
    ::malloc_trim(0);
}

}  // namespace

const AgentStatus& AgentPasses::status_after(const PassResult& result) {
  if (!result.work.reused_last_pass || !m_last_status) {
    m_last_status = status_of(result, m_host, now_rfc3339());
    return *m_last_status;
  }
  // The services are as the last pass left them; the fetch and the time are this pass's.
  AgentStatus& status = *m_last_status;
  status.desired_commit = result.state_commit;
  status.tip_commit = result.tip_commit;
  status.pass_time = now_rfc3339();
  status.outcome = to_string(result.outcome);
  status.problem = result.problem;
  return status;
}

AgentPasses::AgentPasses(Reconciler& reconciler,
                         const Layout& layout,
                         HostIdentity host,
                         proposal::Proposer proposer,
                         PassDisplays* displays)
    : m_reconciler(reconciler),
      m_host(std::move(host)),
      m_proposer(std::move(proposer)),
      m_last_pass(layout),
      m_displays(displays) {}

PassResult AgentPasses::run(PassTrigger trigger) {
  PassResult result = m_reconciler.run_once(ApplyMode::apply, trigger);
  propose_reverts(m_proposer, result);
  return result;
}

void AgentPasses::publish(const PassResult& result, Clock::TimePoint::duration took) {
  const bool same_services = result.work.reused_last_pass && m_last_status;
  const AgentStatus& status = status_after(result);
  // Saved before the daemon shows the pass: `tether status` run by whoever saw it on the API
  // reads the same pass.
  m_last_pass.save(status, same_services);
  if (!m_displays) return;
  m_displays->show_pass(result, status, took);
  give_back_freed_heap(result);
}

}  // namespace tether
