// Table-driven tests of the pure planner: (desired, live) -> plan.
#include "plan/planner.hpp"

#include <gtest/gtest.h>

namespace tether::planner_test {
namespace {

ReleaseId planned_release(const std::string& version,
                          char commit_digit = 'a',
                          const std::string& config = "c0") {
  return ReleaseId{version, std::string(40, commit_digit), std::string(64, 'b'), config};
}

DesiredService desired_exec(const ReleaseId& id, int keep = 5) {
  Service service;
  service.name = "web";
  service.workload = ReleaseSpec{id.version,
                                 id.commit,
                                 {"file:///a.tgz", std::string(64, 'e')},
                                 {"bin/web", id.binary_sha256}};
  service.run = RunSpec{ExecRun{{"bin/web"}, {}, Millis(1000)}};
  service.keep_releases = keep;
  return DesiredService{service, id, {}, "digest-1", "fp-" + id.dir_name()};
}

InstalledRelease planned_installed(const ReleaseId& id, const std::string& at, bool intact = true) {
  return InstalledRelease{
      id.dir_name(), id, at, intact, intact ? "" : "binary bin/web was modified"};
}

/// Live state with `current` on `current` (if set), these releases, and a process state.
LiveService live_with(std::vector<InstalledRelease> releases,
                      const ReleaseId* current,
                      ProcessState process = ProcessState::running) {
  LiveService live;
  live.name = "web";
  live.installed = std::move(releases);
  if (current != nullptr) {
    live.current_dir = current->dir_name();
    live.process_release_dir = current->dir_name();
    // It runs, and passed its gate with, the settings desired_exec() declares for it.
    live.fingerprint = "fp-" + current->dir_name();
    live.serving = ServingRecord{*current, live.fingerprint};
    live.serving->spec.run = RunSpec{ExecRun{{"bin/web"}, {}, Millis(1000)}};
  }
  live.process = process;
  return live;
}

struct SwitchCase {
  const char* name;
  ReleaseId target;
  std::vector<InstalledRelease> installed;
  std::optional<ReleaseId> current;
  ActionKind kind;
  bool install;
};

TEST(Planner, LabelsEachSwitchByVersionOrder) {
  const ReleaseId v1 = planned_release("1.0.0", 'a');
  const ReleaseId v2 = planned_release("2.0.0", 'b');
  const ReleaseId v2_new_config = planned_release("2.0.0", 'b', "c1");
  const ReleaseId v10 = planned_release("1.10.0", 'c');
  const std::vector<SwitchCase> cases = {
      {"nothing live: install", v1, {}, std::nullopt, ActionKind::install, true},
      {"newer version: upgrade", v2, {planned_installed(v1, "t1")}, v1, ActionKind::upgrade, true},
      {"2.0.0 to 1.10.0: rollback (numeric order)",
       v10,
       {planned_installed(v2, "t1")},
       v2,
       ActionKind::rollback,
       true},
      {"older version installed: rollback reuses it",
       v1,
       {planned_installed(v1, "t1"), planned_installed(v2, "t2")},
       v2,
       ActionKind::rollback,
       false},
      {"same version, new config: change",
       v2_new_config,
       {planned_installed(v2, "t1")},
       v2,
       ActionKind::change,
       true},
      {"installed copy damaged: download again",
       v1,
       {planned_installed(v1, "t1", false), planned_installed(v2, "t2")},
       v2,
       ActionKind::rollback,
       true},
      {"back to a newer-numbered release that was here first (a revert): rollback, as plan "
       "says",
       v2,
       {planned_installed(v2, "t1"), planned_installed(v10, "t2")},
       v10,
       ActionKind::rollback,
       false},
      {"same release, back to the config that was here first: a config change, as plan says",
       v2,
       {planned_installed(v2, "t1"), planned_installed(v2_new_config, "t2")},
       v2_new_config,
       ActionKind::change,
       false},
  };
  for (const SwitchCase& c : cases) {
    SCOPED_TRACE(c.name);
    Desired desired{"state1", {{"web", desired_exec(c.target)}}};
    const ReleaseId* current = c.current ? &*c.current : nullptr;
    const Plan plan = make_plan(desired, {{"web", live_with(c.installed, current)}});
    ASSERT_EQ(plan.actions.size(), 1u);
    const ServiceAction& action = plan.actions[0];
    EXPECT_EQ(action.kind, c.kind);
    EXPECT_EQ(action.install, c.install);
    EXPECT_TRUE(action.switch_current);
    EXPECT_EQ(action.to, c.target);
    EXPECT_EQ(action.from, c.current);
  }
}

struct SteadyCase {
  const char* name;
  bool intact;
  ProcessState process;
  std::string process_dir;         ///< "" = the current release
  std::optional<ActionKind> kind;  ///< nullopt = no action
};

TEST(Planner, RepairsAndRestartsWhenTheTargetIsAlreadyCurrent) {
  const ReleaseId v1 = planned_release("1.0.0");
  const std::vector<SteadyCase> cases = {
      {"healthy and running: nothing to do", true, ProcessState::running, "", std::nullopt},
      {"process died: restart", true, ProcessState::stopped, "", ActionKind::restart},
      {"process runs an older release: restart",
       true,
       ProcessState::running,
       "0.9.0-old",
       ActionKind::restart},
      {"binary modified on disk: repair", false, ProcessState::running, "", ActionKind::repair},
  };
  for (const SteadyCase& c : cases) {
    SCOPED_TRACE(c.name);
    LiveService live = live_with({planned_installed(v1, "t1", c.intact)}, &v1, c.process);
    if (!c.process_dir.empty()) live.process_release_dir = c.process_dir;
    const Plan plan = make_plan(Desired{"s", {{"web", desired_exec(v1)}}}, {{"web", live}});
    if (!c.kind) {
      EXPECT_TRUE(plan.empty());
      continue;
    }
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, *c.kind);
    EXPECT_FALSE(plan.actions[0].switch_current);
    EXPECT_EQ(plan.actions[0].install, *c.kind == ActionKind::repair);
  }
}

TEST(Planner, SystemdServicesAreNotRestartedForProcessState) {
  const ReleaseId v1 = planned_release("1.0.0");
  DesiredService service = desired_exec(v1);
  service.service.run = RunSpec{SystemdRun{"web.service"}};
  const Plan plan = make_plan(
      Desired{"s", {{"web", service}}},
      {{"web", live_with({planned_installed(v1, "t1")}, &v1, ProcessState::not_supervised)}});
  EXPECT_TRUE(plan.empty());
}

TEST(Planner, PrunesOldestBeyondKeepReleasesButNeverCurrentOrTarget) {
  const ReleaseId v1 = planned_release("1.0.0", '1');
  const ReleaseId v2 = planned_release("2.0.0", '2');
  const ReleaseId v3 = planned_release("3.0.0", '3');
  const ReleaseId v4 = planned_release("4.0.0", '4');
  // Rolling back to v1 (the oldest) while v4 is current, keeping 2: v2 and v3 go.
  const LiveService live = live_with({planned_installed(v1, "t1"),
                                      planned_installed(v2, "t2"),
                                      planned_installed(v3, "t3"),
                                      planned_installed(v4, "t4")},
                                     &v4);
  const Plan plan = make_plan(Desired{"s", {{"web", desired_exec(v1, 2)}}}, {{"web", live}});
  ASSERT_EQ(plan.prunes.size(), 1u);
  EXPECT_EQ(plan.prunes[0].dir_names, (std::vector<std::string>{v2.dir_name(), v3.dir_name()}));

  // With room for all, nothing is pruned.
  const Plan roomy = make_plan(Desired{"s", {{"web", desired_exec(v1, 5)}}}, {{"web", live}});
  EXPECT_TRUE(roomy.prunes.empty());
}

TEST(Planner, RemovesServicesThatAreLiveButNoLongerDeclared) {
  const ReleaseId v1 = planned_release("1.0.0");
  const Live live = {{"web", live_with({planned_installed(v1, "t1")}, &v1)}};
  const Plan plan = make_plan(Desired{"s", {}}, live);
  EXPECT_TRUE(plan.actions.empty());
  ASSERT_EQ(plan.removals.size(), 1u);
  EXPECT_EQ(plan.removals[0].service, "web");
  EXPECT_EQ(plan.removals[0].kind, ActionKind::remove);
  EXPECT_EQ(plan.removals[0].from, v1);
  EXPECT_TRUE(plan.prunes.empty()) << "its releases stay for a revert of the removal";

  // Outside its rollout share, a service keeps what it runs: a note, never a removal.
  Desired held{"s", {}};
  held.held_back = {"web"};
  const Plan kept = make_plan(held, live);
  EXPECT_TRUE(kept.removals.empty());
  ASSERT_EQ(kept.notes.size(), 1u);
  EXPECT_NE(kept.notes[0].find("rollout share"), std::string::npos);

  // Nothing live of it (removed already): nothing to do.
  LiveService gone;
  gone.name = "web";
  gone.installed = {planned_installed(v1, "t1")};
  gone.process = ProcessState::stopped;
  EXPECT_TRUE(make_plan(Desired{"s", {}}, {{"web", gone}}).empty());
}

TEST(Planner, IsDeterministicAcrossServices) {
  Desired desired{"s", {}};
  for (const char* name : {"zeta", "alpha", "mid"}) {
    DesiredService service = desired_exec(planned_release("1.0.0"));
    service.service.name = name;
    desired.services.emplace(name, service);
  }
  const Plan plan = make_plan(desired, {});
  ASSERT_EQ(plan.actions.size(), 3u);
  EXPECT_EQ(plan.actions[0].service, "alpha");
  EXPECT_EQ(plan.actions[2].service, "zeta");
  EXPECT_EQ(plan, make_plan(desired, {}));
}

struct QuarantineCase {
  const char* name;
  std::string quarantined_dir;
  std::string spec_digest;
  ProcessState process;
  bool expect_restart;
  bool expect_switch;
  bool expect_lift;
};

TEST(Planner, QuarantinedTargetIsNotRetriedUntilItsDeclarationChanges) {
  const ReleaseId v2 = planned_release("2.0.0", '2');
  const ReleaseId v3 = planned_release("3.0.0", '3');
  const std::vector<QuarantineCase> cases = {
      {"same target, same declaration: stay on v2",
       v3.dir_name(),
       "digest-1",
       ProcessState::running,
       false,
       false,
       false},
      {"and v2 died meanwhile: restart v2, still no switch",
       v3.dir_name(),
       "digest-1",
       ProcessState::stopped,
       true,
       false,
       false},
      {"declaration changed: lift and try again",
       v3.dir_name(),
       "digest-0",
       ProcessState::running,
       false,
       true,
       true},
      {"another release quarantined: lift, switch",
       planned_release("9.0.0").dir_name(),
       "digest-1",
       ProcessState::running,
       false,
       true,
       true},
  };
  for (const QuarantineCase& c : cases) {
    SCOPED_TRACE(c.name);
    History history;
    history["web"].quarantine =
        Quarantine{c.quarantined_dir, "3.0.0", v3.commit, c.spec_digest, "HTTP 500", "t"};
    const LiveService live =
        live_with({planned_installed(v2, "t1"), planned_installed(v3, "t2")}, &v2, c.process);
    const Plan plan =
        make_plan(Desired{"s", {{"web", desired_exec(v3)}}}, {{"web", live}}, history);
    const bool switched = !plan.actions.empty() && plan.actions[0].switch_current;
    const bool restarted = !plan.actions.empty() && plan.actions[0].kind == ActionKind::restart;
    EXPECT_EQ(switched, c.expect_switch);
    EXPECT_EQ(restarted, c.expect_restart);
    if (restarted) {
      EXPECT_EQ(plan.actions[0].to, v2);
    }
    EXPECT_EQ(!plan.lifted_quarantines.empty(), c.expect_lift);
    if (!c.expect_lift) {
      ASSERT_EQ(plan.notes.size(), 1u);
      EXPECT_NE(plan.notes[0].find("3.0.0"), std::string::npos);
      EXPECT_NE(plan.notes[0].find("serving 2.0.0"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace tether::planner_test
