#include "apply/release_slots.hpp"

#include "apply/port_connections.hpp"
#include "apply/service_runner.hpp"
#include "core/termination.hpp"

#include <thread>

namespace tether {
namespace {

constexpr Millis k_drain_poll{50};

Millis stop_timeout_of(const DesiredService& desired) {
  const ExecRun* exec = desired.service.run ? std::get_if<ExecRun>(&*desired.service.run) : nullptr;
  return exec ? exec->stop_timeout : Millis(std::chrono::seconds(10));
}

class ExecReleaseSlots final : public ReleaseSlots {
 public:
  explicit ExecReleaseSlots(const ServiceRunner& runner) : m_runner(runner) {}

  std::optional<ProcessRecord> running(const DesiredService& desired, PidSlot slot) const override {
    return m_runner.supervisor().running_in(desired.service.name, slot);
  }

  Status start_gated(const DesiredService& desired,
                     const std::string& dir,
                     int port) const override {
    return m_runner.bring_up_beside(
        desired, dir, desired.service.switch_spec.blue_green->port_env, port);
  }

  Status stop(const DesiredService& desired, PidSlot slot) const override {
    return m_runner.supervisor().stop_slot(desired.service.name, slot, stop_timeout_of(desired));
  }

  Status move(const DesiredService& desired, PidSlot from, PidSlot to) const override {
    return m_runner.supervisor().move_slot(desired.service.name, from, to);
  }

  bool drain(int port, Millis timeout) const override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (established_connections(port) > 0) {
      if (termination_requested() || std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(k_drain_poll);
    }
    return true;
  }

 private:
  const ServiceRunner& m_runner;
};

}  // namespace

std::unique_ptr<ReleaseSlots> make_exec_release_slots(const ServiceRunner& runner) {
  return std::make_unique<ExecReleaseSlots>(runner);
}

}  // namespace tether
