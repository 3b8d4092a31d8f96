// spec.analysis after a switch (docs/analysis.md): the bake is part of the health gate, so a
// breach takes the gate's path (auto-rollback, quarantine, journal, notify, revert proposal) and
// an agent stopped or killed mid-bake undoes the switch on its next start and bakes again.
#include "analysis/bake_runner.hpp"
#include "apply/applier.hpp"
#include "apply/applier_context.hpp"

namespace tether {

Status Applier::check_bake_possible(const Context& context) const {
  if (!context.desired.service.analysis || m_bakes != nullptr) return ok_status();
  return Error{context.desired.service.name +
                   ": spec.analysis needs a Prometheus to ask, and agent.yaml names none",
               "add prometheus: {url: http://HOST:9090} to agent.yaml, or remove spec.analysis"};
}

Status Applier::bake(const ServiceAction& action, const Context& context) const {
  const std::optional<AnalysisSpec>& analysis = context.desired.service.analysis;
  if (!analysis || m_bakes == nullptr) return ok_status();
  return m_bakes->bake(action.service, *analysis, action.to.version, action.to.commit);
}

}  // namespace tether
