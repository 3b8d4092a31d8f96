// Rollback drills (#23): rehearse the rollback of one service on this host, timed. The drill
// goes through the same switch strategy and health gate as the agent's own switches, and
// always ends with a switch back to what served, so a drill never leaves the host off its
// declared release; only a failed switch back (reported loudly) leaves it for the agent.
#include "apply/rollback_drill.hpp"

#include "apply/drill_store.hpp"
#include "apply/history_store.hpp"
#include "apply/journal.hpp"
#include "apply/switch_marker.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "core/migration_state.hpp"
#include "live/hash_cache.hpp"
#include "live/live_probe.hpp"
#include "live/recorded_release.hpp"
#include "live/serving_record.hpp"

#include <chrono>
#include <cstdio>

namespace tether {
namespace {

Error no_drill(const std::string& service, const std::string& why, std::string hint) {
  return Error{service + ": no rollback drill: " + why, std::move(hint)};
}

/// A drill is a rehearsal: it never switches between releases recorded with different
/// migration states (spec.migrations). Back to an older one runs old code against a newer
/// schema; to a newer one may migrate the schema, and the return leg then does the former.
Status migrations_check(const LiveService& live, const std::string& previous_dir) {
  const InstalledRelease* now = live.current();
  const InstalledRelease* other = live.find(previous_dir);
  if (now == nullptr || other == nullptr || now->migration_state.empty() ||
      other->migration_state.empty())
    return ok_status();
  const int order = compare_migration_states(other->migration_state, now->migration_state);
  if (order == 0) return ok_status();
  const std::string crossing =
      order < 0 ? describe_migration_crossing(other->migration_state, now->migration_state)
                : describe_migration_crossing(now->migration_state, other->migration_state);
  return no_drill(live.name,
                  "the switch to " + other->id.short_text() + " " + crossing,
                  "drill where the previous release has the same schema (staging)");
}

Millis since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
}

std::string seconds_text(Millis took) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3fs", static_cast<double>(took.count()) / 1000.0);
  return buffer;
}

}  // namespace

Result<DrillPlan> plan_drill(const Layout& layout, const std::string& service) {
  auto history = HistoryStore(layout.history()).load();
  if (!history) return history.error();
  HashCache hashes;
  const LiveService live = probe_service(layout, service, hashes, *history);
  const ServiceHistory& past = (*history)[service];
  const InstalledRelease* current = live.current();
  if (current == nullptr || !live.serving || live.serving->spec.container ||
      live.serving->release.dir_name() != current->dir_name || !current->intact)
    return no_drill(service,
                    "it does not run a binary release that passed its health gate here",
                    "let the agent converge it first (tether status)");
  if (past.quarantine)
    return no_drill(service, "a release of it is quarantined", "settle the quarantine first");
  const std::string previous_dir = past.previous_good_dir;
  const InstalledRelease* previous = live.find(previous_dir);
  if (previous_dir.empty() || previous_dir == current->dir_name || previous == nullptr ||
      !previous->intact)
    return no_drill(service,
                    "there is no previous good release installed here to roll back to",
                    "a drill needs a release that passed its health gate here before this one");
  if (Status migrations = migrations_check(live, previous_dir); !migrations)
    return migrations.error();
  auto record = read_release_record(layout.release_dir(service, previous_dir));
  if (!record || !record->run)
    return no_drill(service,
                    "the previous release " + previous_dir + " has no recorded run spec",
                    "it was installed by an older agent; drill after the next release");
  auto current_record = read_release_record(layout.release_dir(service, current->dir_name));
  if (!current_record) return current_record.error();
  DrillPlan plan;
  plan.previous = desired_of_record(service, *record);
  plan.serving = as_serving(desired_of_record(service, *current_record), *live.serving);
  plan.state_commit = live.serving->state_commit;
  return plan;
}

DrillResult run_drill(const Layout& layout,
                      const DrillPlan& plan,
                      const SwitchStrategies& strategies) {
  const std::string& name = plan.serving.service.name;
  const std::string serving_dir = plan.serving.release.dir_name();
  const std::string previous_dir = plan.previous.release.dir_name();
  DrillResult result;
  log_info("drill: rolling back", {{"service", name}, {"from", serving_dir}, {"to", previous_dir}});
  auto start = std::chrono::steady_clock::now();
  const SwitchResult there =
      strategies.strategy_for(plan.previous)
          .switch_to({plan.previous, serving_dir, previous_dir, plan.state_commit});
  result.rollback = since(start);
  result.rollback_ok = there.status.ok();
  if (!there.status)
    result.error = "the rollback to " + plan.previous.release.short_text() +
                   " failed: " + there.status.error().message;
  // Back to what serves whatever happened: from the previous release if the switch got as far
  // as `current`, else `current` never moved and this only restarts what served.
  log_info("drill: switching back", {{"service", name}, {"to", serving_dir}});
  start = std::chrono::steady_clock::now();
  const std::string from = there.stage == SwitchStage::aborted ? serving_dir : previous_dir;
  const SwitchResult back = strategies.strategy_for(plan.serving)
                                .switch_to({plan.serving, from, serving_dir, plan.state_commit});
  result.back = since(start);
  result.back_ok = back.status.ok();
  end_switch(layout, name);
  if (!back.status) {
    result.error += (result.error.empty() ? "" : "; ") + std::string("the switch back to ") +
                    plan.serving.release.short_text() + " failed: " + back.status.error().message +
                    "; the agent's next pass repairs it";
  }
  return result;
}

Status record_drill(const Layout& layout, const DrillPlan& plan, const DrillResult& result) {
  const std::string& name = plan.serving.service.name;
  const std::string reason = "rollback drill: to " + plan.previous.release.short_text() + " in " +
                             seconds_text(result.rollback) +
                             (result.rollback_ok ? "" : " (failed)") + ", back to " +
                             plan.serving.release.short_text() + " in " +
                             seconds_text(result.back) + (result.back_ok ? "" : " (failed)");
  const JournalEntry entry{now_rfc3339(),
                           plan.state_commit,
                           name,
                           "drill",
                           journal_release(plan.serving.release),
                           journal_release(plan.previous.release),
                           result.ok() ? "ok" : "failed",
                           result.error,
                           reason};
  const Status journaled = Journal(layout.journal()).append(entry);
  const double finished =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const Status stored = DrillStore(drills_path(layout))
                            .record(name,
                                    DrillRecord{entry.time,
                                                finished,
                                                result.ok(),
                                                static_cast<double>(result.rollback.count()) / 1000,
                                                static_cast<double>(result.back.count()) / 1000});
  return journaled ? stored : journaled;
}

}  // namespace tether
