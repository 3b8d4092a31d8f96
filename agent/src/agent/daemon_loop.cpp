#include "agent/daemon_loop.hpp"

#include "core/log.hpp"

#include <random>
#include <utility>

namespace tether {

UnitRandom seeded_unit_random() {
  return
      [random = std::mt19937(std::random_device{}()),
       draw = std::uniform_real_distribution<double>(0.0, 1.0)]() mutable { return draw(random); };
}

DaemonLoop::DaemonLoop(PollSchedule schedule,
                       SignalSource& signals,
                       const Clock& clock,
                       PassRunner& passes,
                       UnitRandom unit_random)
    : m_schedule(schedule),
      m_signals(signals),
      m_clock(clock),
      m_passes(passes),
      m_unit_random(std::move(unit_random)) {}

void DaemonLoop::run() {
  int failures = 0;
  std::optional<PassTrigger> trigger = wait_for_next_pass(m_schedule.first(m_unit_random()));
  while (trigger) {
    const PassResult result = run_and_publish(m_passes, m_clock, *trigger);
    if (result.stopping) break;
    failures = result.outcome == PassOutcome::unreachable ? failures + 1 : 0;
    trigger = wait_for_next_pass(m_schedule.next(failures, m_unit_random()));
  }
  log_info("agent stopping; services keep running");
}

std::optional<PassTrigger> DaemonLoop::wait_for_next_pass(Millis delay) {
  switch (m_signals.wait(delay)) {
    case AgentSignal::stop:
      return std::nullopt;
    case AgentSignal::poll_now:
      log_info("SIGHUP: polling now");
      return PassTrigger::operator_asked;
    case AgentSignal::health_changed:
      return PassTrigger::health_changed;
    case AgentSignal::none:
      break;
  }
  return PassTrigger::schedule;
}

PassResult run_and_publish(PassRunner& passes, const Clock& clock, PassTrigger trigger) {
  const Clock::TimePoint start = clock.now();
  PassResult result = passes.run(trigger);
  passes.publish(result, clock.now() - start);
  return result;
}

PassOutcome run_single_pass(PassRunner& passes, const Clock& clock) {
  return run_and_publish(passes, clock, PassTrigger::schedule).outcome;
}

}  // namespace tether
