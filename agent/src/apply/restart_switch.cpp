// The restart switch: the old release stops, `current` moves, the new release starts behind
// its health gate. The fault points are where the kill -9 torture tests stop the agent.
#include "apply/current_link.hpp"
#include "apply/switch_marker.hpp"
#include "apply/switch_strategies.hpp"
#include "core/fault_point.hpp"
#include "core/log.hpp"

namespace tether {
namespace {

class RestartSwitch final : public SwitchStrategy {
 public:
  RestartSwitch(Layout layout, const ServiceRunner& runner)
      : m_layout(std::move(layout)), m_runner(runner) {}

  SwitchResult switch_to(const SwitchRequest& request) const override {
    const std::string& name = request.desired.service.name;
    // Stop before switching: if the agent dies in between, the next pass sees `current` on
    // the new release with nothing running and starts it.
    if (Status stopped = m_runner.stop(request.desired); !stopped)
      return aborted_switch(std::move(stopped));
    fault::point("after-stop");
    // A reconfigure keeps the release dir and needs no marker: its new settings count only
    // once they are the serving record's, which happens after the gate.
    if (Status begun = begin_switch(m_layout, name, request.from_dir, request.to_dir); !begun)
      return aborted_switch(std::move(begun));
    if (Status switched = switch_current(m_layout, name, request.to_dir); !switched)
      return aborted_switch(std::move(switched));
    log_info("switched",
             {{"service", name}, {"to", request.to_dir}, {"stateCommit", request.state_commit}});
    fault::point("before-restart");
    Status healthy = m_runner.bring_up(request.desired, request.to_dir);
    fault::point("after-restart");
    return SwitchResult{SwitchStage::gated, std::move(healthy)};
  }

  Status switch_back(const SwitchRequest& request) const override {
    Status back = switch_current(m_layout, request.desired.service.name, request.to_dir);
    fault::point("mid-rollback");
    if (back) back = m_runner.bring_up(request.desired, request.to_dir);
    return back;
  }

 private:
  Layout m_layout;
  const ServiceRunner& m_runner;
};

}  // namespace

std::unique_ptr<SwitchStrategy> make_restart_switch(const Layout& layout,
                                                    const ServiceRunner& runner) {
  return std::make_unique<RestartSwitch>(layout, runner);
}

}  // namespace tether
