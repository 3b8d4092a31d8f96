#include "cli/plan_text.hpp"

#include <gtest/gtest.h>

namespace tether::plan_text_test {
namespace {

ServiceAction action_of(const std::string& service, ActionKind kind, const std::string& reason) {
  ServiceAction action;
  action.service = service;
  action.kind = kind;
  action.to = ReleaseId{"1.0.0", std::string(40, 'a'), std::string(64, 'b'), "c0"};
  action.install = true;
  action.reason = reason;
  return action;
}

TEST(PlanText, ShowsDelayedAndBlockedServicesAfterTheActions) {
  Plan plan;
  plan.state_commit = std::string(40, 'c');
  plan.actions = {action_of("c", ActionKind::upgrade, "upgrade")};
  plan.delayed = {DelayedAction{
      action_of("a", ActionKind::restart, "process is not running"), Millis(2000), 2}};
  plan.blocked = {BlockedService{action_of("b", ActionKind::install, "install"),
                                 "a",
                                 "waiting for a: its restart is backed off for another 2s"}};
  EXPECT_EQ(plan_as_text(plan),
            "state commit cccccccccccc\n"
            "  c: upgrade 1.0.0 (aaaaaaaaaaaa), download and install\n"
            "  a: restart delayed 2s (process is not running; 2 in a row)\n"
            "  b: blocked on a (waiting for a: its restart is backed off for another 2s)\n");
}

}  // namespace
}  // namespace tether::plan_text_test
