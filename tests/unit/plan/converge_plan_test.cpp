// The planner on what issue #17 added: settings (the fingerprint) converge, the health watch's
// verdict restarts, what serves is kept up while the declaration is quarantined, pruning keeps
// what a rollback needs.
#include "plan/planner.hpp"

#include <gtest/gtest.h>

namespace tether::converge_plan_test {
namespace {

ReleaseId converge_release(const std::string& version, char digit) {
  return ReleaseId{version, std::string(40, digit), std::string(64, 'b'), "c0"};
}

const ExecRun k_run{{"bin/web", "--port", "8080"}, {{"PORT", "8080"}}, Millis(1000)};

DesiredService declared(const ReleaseId& id, const ExecRun& run = k_run, int keep = 5) {
  Service service;
  service.name = "web";
  service.workload = ReleaseSpec{id.version,
                                 id.commit,
                                 {"file:///a.tgz", std::string(64, 'e')},
                                 {"bin/web", id.binary_sha256}};
  service.run = RunSpec{run};
  service.keep_releases = keep;
  DesiredService desired{service, id, {}, "digest-" + id.dir_name(), ""};
  desired.fingerprint = "fp-" + id.dir_name() + "-" + run.env.at("PORT");
  return desired;
}

ServingRecord served(const DesiredService& d) {
  ServingRecord record{d.release, d.fingerprint};
  record.spec = runtime_spec_of(d.service, d.release);
  return record;
}

InstalledRelease converge_installed(const ReleaseId& id, const std::string& at) {
  return InstalledRelease{id.dir_name(), id, at, true, ""};
}

/// `web` with `current` on what `runs` declares, its process running with that spec, which
/// passed its gate (or `passed` when given).
LiveService live_running(const DesiredService& runs,
                         std::vector<InstalledRelease> releases,
                         const std::optional<DesiredService>& passed = std::nullopt) {
  LiveService live;
  live.name = "web";
  live.installed = std::move(releases);
  live.current_dir = runs.release.dir_name();
  live.process = ProcessState::running;
  live.process_release_dir = runs.release.dir_name();
  live.fingerprint = runs.fingerprint;
  live.serving = served(passed.value_or(runs));
  return live;
}

Plan plan_of(const DesiredService& want,
             const LiveService& live,
             const History& history = {},
             const Conditions& conditions = {}) {
  return make_plan(Desired{"s", {{"web", want}}}, {{"web", live}}, history, conditions);
}

TEST(ConvergePlan, ChangedSettingsAreAReconfigureThatNamesWhatChanged) {
  const ReleaseId v1 = converge_release("1.0.0", '1');
  ExecRun other_port = k_run;
  other_port.env["PORT"] = "9090";
  const DesiredService want = declared(v1, other_port);
  const Plan plan = plan_of(want, live_running(declared(v1), {converge_installed(v1, "t1")}));
  ASSERT_EQ(plan.actions.size(), 1u);
  const ServiceAction& action = plan.actions[0];
  EXPECT_EQ(action.kind, ActionKind::reconfigure);
  EXPECT_FALSE(action.install);
  EXPECT_EQ(action.to, v1);
  EXPECT_EQ(action.fingerprint, want.fingerprint);
  EXPECT_EQ(action.reason, "reconfigure: run.exec.env changed");
}

TEST(ConvergePlan, SettingsThatNeverPassedTheGateAreTriedAgainBehindIt) {
  // The agent died during the gate of a reconfigure: the process runs the new settings, the
  // serving record still has the old ones.
  const ReleaseId v1 = converge_release("1.0.0", '1');
  ExecRun other_port = k_run;
  other_port.env["PORT"] = "9090";
  const DesiredService want = declared(v1, other_port);
  const Plan plan = plan_of(want, live_running(want, {converge_installed(v1, "t1")}, declared(v1)));
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].kind, ActionKind::reconfigure);
  EXPECT_NE(plan.actions[0].reason.find("never passed"), std::string::npos);
}

TEST(ConvergePlan, AnUnhealthyServiceIsRestartedAndAHealthyOneLeftAlone) {
  const ReleaseId v1 = converge_release("1.0.0", '1');
  const DesiredService want = declared(v1);
  const LiveService live = live_running(want, {converge_installed(v1, "t1")});
  EXPECT_TRUE(plan_of(want, live).empty());
  ServiceCondition condition;
  condition.unhealthy = "connection refused; 3 failed probes in a row";
  const Plan plan = plan_of(want, live, {}, {{"web", condition}});
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].kind, ActionKind::restart);
  EXPECT_EQ(plan.actions[0].reason, "unhealthy: connection refused; 3 failed probes in a row");
  condition.hold = Millis(4000);
  const Plan held = plan_of(want, live, {}, {{"web", condition}});
  EXPECT_TRUE(held.actions.empty());
  ASSERT_EQ(held.delayed.size(), 1u) << "restarts of an unhealthy service back off";
}

/// v2 serves; the declaration (v3, or v2 with other settings) is quarantined.
History quarantined(const DesiredService& bad) {
  History history;
  history["web"].quarantine = Quarantine{
      bad.release.dir_name(), bad.release.version, bad.release.commit, bad.spec_digest, "x", "t"};
  return history;
}

TEST(ConvergePlan, WhileQuarantinedWhatServesIsRepairedWithItsOwnSettings) {
  const ReleaseId v2 = converge_release("2.0.0", '2');
  ExecRun other_port = k_run;
  other_port.env["PORT"] = "9090";
  const DesiredService good = declared(v2);
  const DesiredService bad = declared(v2, other_port);  // a reconfigure that failed its gate
  LiveService live = live_running(good, {converge_installed(v2, "t1")});
  EXPECT_TRUE(plan_of(bad, live, quarantined(bad)).actions.empty());

  live.process = ProcessState::stopped;
  const Plan plan = plan_of(bad, live, quarantined(bad));
  EXPECT_EQ(plan.quarantined, std::vector<std::string>{"web"});
  ASSERT_EQ(plan.actions.size(), 1u);
  const ServiceAction& action = plan.actions[0];
  EXPECT_EQ(action.kind, ActionKind::restart);
  EXPECT_EQ(action.spec, SpecSource::serving);
  EXPECT_EQ(action.fingerprint, good.fingerprint) << "the settings that passed, not the declared";
  EXPECT_FALSE(action.switch_current);

  ServiceCondition unwell;
  unwell.unhealthy = "HTTP 500";
  live.process = ProcessState::running;
  const Plan restart = plan_of(bad, live, quarantined(bad), {{"web", unwell}});
  ASSERT_EQ(restart.actions.size(), 1u);
  EXPECT_EQ(restart.actions[0].spec, SpecSource::serving);
}

TEST(ConvergePlan, AnUnfinishedAutoRollbackIsFinished) {
  // current was left on the quarantined v3 (the switch back failed): go back to v2.
  const ReleaseId v2 = converge_release("2.0.0", '2');
  const ReleaseId v3 = converge_release("3.0.0", '3');
  const DesiredService bad = declared(v3);
  LiveService live =
      live_running(bad, {converge_installed(v2, "t1"), converge_installed(v3, "t2")}, declared(v2));
  const Plan plan = plan_of(bad, live, quarantined(bad));
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].kind, ActionKind::rollback);
  EXPECT_TRUE(plan.actions[0].switch_current);
  EXPECT_EQ(plan.actions[0].to, v2);
  EXPECT_EQ(plan.actions[0].spec, SpecSource::serving);
}

TEST(ConvergePlan, PruningKeepsWhatARollbackNeedsAndDropsFailedReleasesFirst) {
  // keepReleases 3, right after an auto-rollback from v5 to v4: v4 serves, v5 is quarantined,
  // v3 served before v4, v1 and v2 are old and failed here once.
  const ReleaseId v1 = converge_release("1.0.0", '1');
  const ReleaseId v2 = converge_release("2.0.0", '2');
  const ReleaseId v3 = converge_release("3.0.0", '3');
  const ReleaseId v4 = converge_release("4.0.0", '4');
  const ReleaseId v5 = converge_release("5.0.0", '5');
  const DesiredService bad = declared(v5, k_run, 3);
  History history = quarantined(bad);
  history["web"].last_good_dir = v4.dir_name();
  history["web"].previous_good_dir = v3.dir_name();
  history["web"].failed_dirs = {v5.dir_name(), v2.dir_name()};
  const LiveService live = live_running(declared(v4),
                                        {converge_installed(v1, "t1"),
                                         converge_installed(v2, "t5"),
                                         converge_installed(v3, "t3"),
                                         converge_installed(v4, "t4"),
                                         converge_installed(v5, "t6")});
  // The quarantined service plans no prune (nothing changes while it is held): lift it.
  const DesiredService next = declared(converge_release("5.0.1", '6'), k_run, 3);
  history["web"].quarantine.reset();
  const Plan plan = plan_of(next, live, history);
  ASSERT_EQ(plan.prunes.size(), 1u);
  // Kept: v4 (current, last good), v3 (previous good), then v1: it is older than v2 and v5
  // but never failed here. Pruning by install time alone would have kept v5 and v2.
  EXPECT_EQ(plan.prunes[0].dir_names, (std::vector<std::string>{v2.dir_name(), v5.dir_name()}));
}

}  // namespace
}  // namespace tether::converge_plan_test
