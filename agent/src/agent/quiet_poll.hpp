#pragma once

#include "core/clock.hpp"
#include "core/layout.hpp"
#include "live/live_watch.hpp"
#include "live/probe_cache.hpp"
#include "model/desired.hpp"
#include "model/live.hpp"

#include <memory>
#include <optional>
#include <set>
#include <string>

namespace tether {

struct PassResult;
enum class PassTrigger;

/// What decides whether a daemon's pass may skip probe, plan, apply and report and stand on
/// the last pass's result (issue #22: a quiet poll whose cost does not grow with the services).
/// Each field is a reason to probe when it points the unsafe way; the defaults do.
struct QuietPollFacts {
  /// The pass was asked for (SIGHUP, POST /sync) or woken by the health watch: it probes.
  bool scheduled = false;
  /// The last full pass left every declared service converged, with nothing applied, planned,
  /// delayed, blocked, quarantined, failing or unhealthy: a plan made from what it probed is
  /// empty whatever the backoff timers say (they only hold actions back).
  bool last_pass_quiet = false;
  /// This pass converges to the state commit of that pass (so to the same desired state).
  bool same_desired = false;
  /// Every path that pass's probe read (live/probed_paths) was watched before that probe ran,
  /// so any change made after it is in the inotify queue.
  bool watched_before_probe = false;
  /// The queue held an event since that pass began (or overflowed, or cannot be read).
  bool live_changed = true;
  /// Every process found running then is watched by pidfd and none has exited.
  bool processes_unchanged = false;
  /// The health watch holds some service unhealthy now.
  bool unhealthy = true;
  /// Some service is a container: only its runtime knows whether it still runs, and asking
  /// it is the cost being avoided, so such hosts probe every pass.
  bool containers = true;
  /// A degraded service has been out of trouble for `backoff.stable`: only a pass that
  /// observes it journals its recovery (agent/flap_damper.hpp).
  bool recovery_due = true;
  /// A hold on this host (`tether suspend --for`) has run out since that pass: lifting it
  /// must be journaled and shown, and whatever it kept back applied.
  bool hold_ended = true;
  /// The last full pass is older than QuietPoll::k_full_pass_every: probe anyway, a backstop
  /// for what inotify cannot see (a write through a shared mmap).
  bool full_pass_due = true;
};

/// nullptr when nothing could have changed what the last full pass saw (the pass may reuse
/// it); otherwise why the pass must probe.
[[nodiscard]] const char* why_probe(const QuietPollFacts& facts);

/// A daemon's memory of its last quiet full pass and of the paths that pass probed, kept
/// under inotify (live/live_watch): lets a pass that nothing could have affected reuse that
/// pass's result instead of probing every service again. "converged" is then said only
/// because nothing changed since a probe found it so; a missed change would be a worse bug
/// than a slow poll, so every doubt (an event of any kind, a full queue, a watch refused, a
/// process exited, a container, an unhealthy verdict) means a full pass.
class QuietPoll {
 public:
  /// How old the last full pass may be before one runs regardless.
  static constexpr std::chrono::seconds k_full_pass_every{30};

  explicit QuietPoll(const Clock& clock);
  ~QuietPoll();
  QuietPoll(const QuietPoll&) = delete;
  QuietPoll& operator=(const QuietPoll&) = delete;

  /// At the start of a daemon's pass, once `desired` is known and before anything is probed:
  /// when the last pass can stand, fills `result` with it (keeping this pass's outcome,
  /// problem and tip, which come from its fetch) and says true. Its `desired`, `live_after`
  /// and per-service maps (converged, healthy, ...) stay empty: those of the last pass are what
  /// its displays show already (AgentPasses, PassDisplays), and copying them is most of what a
  /// quiet poll would cost. Reads
  /// the inotify queue either way, so a change after this call is seen by the next one.
  [[nodiscard]] bool reuse(PassTrigger trigger,
                           const Desired& desired,
                           bool unhealthy,
                           bool hold_ended,
                           bool recovery_due,
                           const ProbeCache& cache,
                           PassResult& result);

  /// After reuse() said no: the services to probe again when the last pass's live state
  /// (last_live()) still holds for every other (issue #22: the pass that applies a change to
  /// one of 100 services probes that one): those whose watched files changed, whose process
  /// exited, or whose paths were not watched yet when last probed. nullptr when the whole host
  /// must be probed: no pass probed yet, a change no one service owns (or lost events), a
  /// process exit that cannot be told apart, an unhealthy verdict, containers (only their
  /// runtime knows), the periodic full pass, or a pass that was asked for. Valid until
  /// remember().
  [[nodiscard]] const std::set<std::string>* reprobe_only() const {
    return m_reprobe ? &*m_reprobe : nullptr;
  }
  /// The live state the last pass that probed left (its live_after).
  [[nodiscard]] const Live& last_live() const { return m_last_live; }

  /// At the end of a pass that probed `probed` (nullptr: every service), among them those
  /// reprobe_only() named: watches what its live state comes from (`result.live_after`, whose
  /// records are in `cache`; the watches of the services it did not probe are kept), keeps
  /// that state, and keeps `result` when the pass was quiet.
  void remember(const PassResult& result,
                const Layout& layout,
                ProbeCache& cache,
                const std::set<std::string>* probed);

 private:
  const Clock& m_clock;
  LiveWatch m_watch;
  /// The last full pass, when it was quiet, without its desired and live states.
  std::unique_ptr<PassResult> m_quiet;
  std::string m_quiet_commit;  ///< the state commit of that pass
  /// The live_after of the last pass that probed, kept apart: reuse() copies none.
  Live m_last_live;
  bool m_have_last_live = false;
  /// Of that pass's watch: every path watched, none that feeds every service's probe new.
  bool m_watch_complete = false;
  std::set<std::string> m_added_services;          ///< services with paths newly watched by it
  std::optional<std::set<std::string>> m_reprobe;  ///< what reprobe_only() says, set by reuse()
  bool m_watched_before_probe = false;             ///< of that pass (see QuietPollFacts)
  bool m_containers = true;
  Clock::TimePoint m_full_pass_at{};
  bool m_warned = false;  ///< that inotify refused a watch (said once)
};

/// Whether `result` (a full pass) left every service quiet (see QuietPollFacts).
[[nodiscard]] bool pass_was_quiet(const PassResult& result);

}  // namespace tether
