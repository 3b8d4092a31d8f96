// Table-driven tests of dependency order, blocking and flap damping in the pure planner.
#include "plan/sequencing.hpp"

#include "plan/planner.hpp"
#include "plan_test_services.hpp"

#include <gtest/gtest.h>

namespace tether::sequencing_test {
namespace {

using std::chrono::seconds;

using plan_test::exec_service;
using plan_test::live_at;
using plan_test::release;

std::vector<std::string> services_of(const std::vector<ServiceAction>& actions) {
  std::vector<std::string> out;
  for (const ServiceAction& action : actions) out.push_back(action.service);
  return out;
}

/// a; b depends on a; c is unrelated. b (new) and c (1 -> 2) always have something to do.
struct DependencyCase {
  const char* name;
  std::string a_version;         ///< declared version of a (live runs 1.0.0)
  ProcessState a_process;        ///< a's process
  ServiceCondition a_condition;  ///< what the agent remembers about a
  bool a_quarantined;            ///< a's declared release is quarantined here
  std::vector<std::string> actions;
  std::vector<std::string> b_after;
  std::string blocked_reason;  ///< substring of b's blocked reason; "" = b not blocked
  bool a_delayed;
};

TEST(Sequencing, DependentsWaitForUnhealthyDependenciesAndUnrelatedServicesDoNot) {
  const std::vector<DependencyCase> cases = {
      {"a healthy and converged: b goes, nothing to wait for in the pass",
       "1.0.0",
       ProcessState::running,
       {},
       false,
       {"b", "c"},
       {},
       "",
       false},
      {"a upgrades: b after a in the same pass",
       "2.0.0",
       ProcessState::running,
       {},
       false,
       {"a", "b", "c"},
       {"a"},
       "",
       false},
      {"a crashed, restart allowed now: b after a's restart",
       "1.0.0",
       ProcessState::stopped,
       {},
       false,
       {"a", "b", "c"},
       {"a"},
       "",
       false},
      {"a crashed again, restart backed off: a delayed, b blocked, c goes",
       "1.0.0",
       ProcessState::stopped,
       {"", seconds(2), 2},
       false,
       {"c"},
       {},
       "waiting for a: its restart is backed off for another 2s",
       true},
      {"a's last change failed and it needs nothing now: b blocked",
       "1.0.0",
       ProcessState::running,
       {"health check failed: HTTP 500", Millis(0), 0},
       false,
       {"c"},
       {},
       "waiting for a: its last change failed: health check failed: HTTP 500",
       false},
      {"a upgrades after a failure: b after a (the upgrade may fix it)",
       "2.0.0",
       ProcessState::running,
       {"HTTP 500", Millis(0), 0},
       false,
       {"a", "b", "c"},
       {"a"},
       "",
       false},
      {"a quarantined, its previous release serves: b goes",
       "2.0.0",
       ProcessState::running,
       {},
       true,
       {"b", "c"},
       {},
       "",
       false},
      {"a quarantined and its previous release is down: b after a's restart",
       "2.0.0",
       ProcessState::stopped,
       {},
       true,
       {"a", "b", "c"},
       {"a"},
       "",
       false},
      {"a quarantined, down, restart backed off: b blocked",
       "2.0.0",
       ProcessState::stopped,
       {"", seconds(4), 3},
       true,
       {"c"},
       {},
       "waiting for a: its restart is backed off for another 4s",
       true},
  };
  for (const DependencyCase& c : cases) {
    SCOPED_TRACE(c.name);
    Desired desired{"s", {}};
    desired.services.emplace("a", exec_service("a", c.a_version));
    desired.services.emplace("b", exec_service("b", "1.0.0", {"a"}));
    desired.services.emplace("c", exec_service("c", "2.0.0"));
    const Live live{{"a", live_at("a", "1.0.0", c.a_process)}, {"c", live_at("c", "1.0.0")}};
    History history;
    if (c.a_quarantined) {
      const ReleaseId bad = release(c.a_version);
      history["a"].quarantine =
          Quarantine{bad.dir_name(), bad.version, bad.commit, "digest-a", "HTTP 500", "t"};
    }
    Conditions conditions;
    if (c.a_condition != ServiceCondition{}) conditions["a"] = c.a_condition;

    const Plan plan = make_plan(desired, live, history, conditions);
    EXPECT_EQ(services_of(plan.actions), c.actions);
    ASSERT_EQ(plan.delayed.size(), c.a_delayed ? 1u : 0u);
    if (c.a_delayed) {
      EXPECT_EQ(plan.delayed[0].action.service, "a");
      EXPECT_EQ(plan.delayed[0].wait, c.a_condition.hold);
      EXPECT_EQ(plan.delayed[0].attempts, c.a_condition.attempts);
    }
    if (c.blocked_reason.empty()) {
      EXPECT_TRUE(plan.blocked.empty());
      for (const ServiceAction& action : plan.actions) {
        if (action.service == "b") {
          EXPECT_EQ(action.after, c.b_after);
        }
      }
    } else {
      ASSERT_EQ(plan.blocked.size(), 1u);
      EXPECT_EQ(plan.blocked[0].action.service, "b");
      EXPECT_EQ(plan.blocked[0].action.kind, ActionKind::install);
      EXPECT_EQ(plan.blocked[0].dependency, "a");
      EXPECT_NE(plan.blocked[0].reason.find(c.blocked_reason), std::string::npos)
          << plan.blocked[0].reason;
    }
    EXPECT_EQ(plan, make_plan(desired, live, history, conditions)) << "deterministic";
  }
}

TEST(Sequencing, BlockingIsTransitiveAndAConvergedDependentIsLeftAlone) {
  Desired desired{"s", {}};
  desired.services.emplace("a", exec_service("a", "1.0.0"));
  desired.services.emplace("b", exec_service("b", "2.0.0", {"a"}));
  desired.services.emplace("d", exec_service("d", "1.0.0", {"b"}));
  desired.services.emplace("e", exec_service("e", "1.0.0", {"a"}));
  const Live live{
      {"a", live_at("a", "1.0.0")}, {"b", live_at("b", "1.0.0")}, {"e", live_at("e", "1.0.0")}};
  const Conditions conditions{{"a", {"install failed", Millis(0), 0}}};
  const Plan plan = make_plan(desired, live, {}, conditions);
  EXPECT_TRUE(plan.actions.empty());
  ASSERT_EQ(plan.blocked.size(), 2u);
  EXPECT_EQ(plan.blocked[0].action.service, "b");
  EXPECT_EQ(plan.blocked[1].action.service, "d");
  EXPECT_EQ(plan.blocked[1].dependency, "b");
  EXPECT_EQ(plan.blocked[1].reason, "waiting for b: it waits for a");
  // e runs its declared release: nothing to do, so nothing to block.
}

TEST(Sequencing, RepairsAreDampedLikeRestartsButSwitchesAreNot) {
  Desired desired{"s", {}};
  desired.services.emplace("a", exec_service("a", "1.0.0"));
  desired.services.emplace("b", exec_service("b", "2.0.0"));
  LiveService damaged = live_at("a", "1.0.0");
  damaged.installed[0].intact = false;
  damaged.installed[0].damage = "binary bin/x was modified";
  const Live live{{"a", damaged}, {"b", live_at("b", "1.0.0")}};
  const Conditions conditions{{"a", {"", seconds(8), 4}}, {"b", {"", seconds(8), 4}}};
  const Plan plan = make_plan(desired, live, {}, conditions);
  ASSERT_EQ(plan.delayed.size(), 1u);
  EXPECT_EQ(plan.delayed[0].action.kind, ActionKind::repair);
  EXPECT_EQ(services_of(plan.actions), std::vector<std::string>{"b"}) << "an upgrade is not held";
}

struct OrderCase {
  const char* name;
  std::map<std::string, std::vector<std::string>> deps;
  std::vector<std::string> order;
};

TEST(Sequencing, DependencyOrderIsTopologicalWithTiesByName) {
  const std::vector<OrderCase> cases = {
      {"no dependencies: by name", {{"c", {}}, {"a", {}}, {"b", {}}}, {"a", "b", "c"}},
      {"a chain against the alphabet", {{"a", {"y"}}, {"y", {"z"}}, {"z", {}}}, {"z", "y", "a"}},
      {"ties by name once ready",
       {{"b", {"m"}}, {"m", {}}, {"a", {}}, {"n", {}}},
       {"a", "m", "b", "n"}},
      {"diamond", {{"d", {"b", "c"}}, {"b", {"a"}}, {"c", {"a"}}, {"a", {}}}, {"a", "b", "c", "d"}},
      {"dependency outside the host is ignored", {{"b", {"x"}}, {"a", {"b"}}}, {"b", "a"}},
      {"a cycle comes last, by name", {{"a", {"b"}}, {"b", {"a"}}, {"c", {}}}, {"c", "a", "b"}},
  };
  for (const OrderCase& c : cases) {
    SCOPED_TRACE(c.name);
    Desired desired{"s", {}};
    for (const auto& [name, deps] : c.deps)
      desired.services.emplace(name, exec_service(name, "1.0.0", deps));
    EXPECT_EQ(dependency_order(desired), c.order);
  }
}

TEST(Sequencing, AnActionWaitsInThePassForADependencyThatFailedOrWaited) {
  ServiceAction action;
  action.service = "b";
  action.after = {"a", "x"};
  EXPECT_FALSE(blocked_in_pass(action, {}).has_value());
  EXPECT_FALSE(blocked_in_pass(action, {{"c", "its upgrade failed"}}).has_value());
  const auto blocked = blocked_in_pass(action, {{"x", "its upgrade failed in this pass: boom"}});
  ASSERT_TRUE(blocked.has_value());
  EXPECT_EQ(blocked->dependency, "x");
  EXPECT_EQ(blocked->reason, "waiting for x: its upgrade failed in this pass: boom");
  EXPECT_EQ(blocked->action, action);
}

}  // namespace
}  // namespace tether::sequencing_test
