#pragma once

#include "agent/poll_schedule.hpp"
#include "agent/reconciler.hpp"
#include "core/agent_signals.hpp"
#include "core/clock.hpp"

#include <functional>
#include <optional>

namespace tether {

/// One pass and its aftermath, behind an interface so the loop is unit-tested without a
/// reconciler, a repo or a host.
class PassRunner {
 public:
  virtual ~PassRunner() = default;
  /// Runs one reconcile pass for `trigger`. A SIGTERM during the pass ends it early with
  /// `stopping` set.
  [[nodiscard]] virtual PassResult run(PassTrigger trigger) = 0;
  /// Tells the world how the pass ended (last-pass file; in the daemon also metrics, /status,
  /// the heap). `took`: how long run() took.
  virtual void publish(const PassResult& result, Clock::TimePoint::duration took) = 0;
};

/// A uniform draw from [0, 1) for the poll jitter.
using UnitRandom = std::function<double()>;

/// A UnitRandom seeded from std::random_device, for the real agent.
[[nodiscard]] UnitRandom seeded_unit_random();

/// Runs `passes` once for `trigger` and publishes the result with how long it took on `clock`.
PassResult run_and_publish(PassRunner& passes, const Clock& clock, PassTrigger trigger);

/// `run --once`: one scheduled pass now, published; its outcome is the exit status. No signal
/// is waited for (a SIGTERM still ends the pass early, as in the daemon).
[[nodiscard]] PassOutcome run_single_pass(PassRunner& passes, const Clock& clock);

/// When the daemon's passes run: one after a jittered first wait, then one per poll interval
/// (backed off while the repo is unreachable), and one at once when SIGHUP (an operator or a
/// webhook) or SIGUSR1 (the health watch) comes. Signals are taken only between passes, never
/// mid-apply; a SIGTERM or SIGINT stops the loop in every state: in a wait at once, in a pass
/// at its next step (the pass ends with `stopping`), right after a pass that missed it.
class DaemonLoop {
 public:
  DaemonLoop(PollSchedule schedule,
             SignalSource& signals,
             const Clock& clock,
             PassRunner& passes,
             UnitRandom unit_random);

  /// The daemon, until it is asked to stop (SIGTERM, SIGINT, or a pass that ended stopping).
  void run();

 private:
  /// Waits up to `delay` for a reason to run the next pass; nullopt when the agent must stop.
  [[nodiscard]] std::optional<PassTrigger> wait_for_next_pass(Millis delay);

  PollSchedule m_schedule;
  SignalSource& m_signals;
  const Clock& m_clock;
  PassRunner& m_passes;
  UnitRandom m_unit_random;
};

}  // namespace tether
