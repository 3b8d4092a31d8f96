#include "agent/flap_damper.hpp"

#include "fake_clock.hpp"

#include <gtest/gtest.h>

namespace tether::flap_damper_test {
namespace {

using std::chrono::seconds;

DesiredService service_at(const std::string& name, const std::string& version) {
  DesiredService desired;
  desired.service.name = name;
  desired.release = ReleaseId{version, std::string(40, 'a'), std::string(64, 'b'), "c0"};
  desired.fingerprint = "fp-" + version;
  return desired;
}

ServiceAction action_of(ActionKind kind, const DesiredService& desired) {
  ServiceAction action;
  action.service = desired.service.name;
  action.kind = kind;
  action.to = desired.release;
  action.fingerprint = desired.fingerprint;
  return action;
}

const DampingSettings k_settings{seconds(1), seconds(8), seconds(30)};

TEST(FlapDamper, RestartsAndRepairsBackOffExponentiallyUpToTheCap) {
  test::FakeClock clock;
  FlapDamper damper(clock, k_settings);
  const DesiredService web = service_at("web", "1.0.0");
  const Desired desired{"s", {{"web", web}}};
  EXPECT_TRUE(damper.conditions(desired).empty()) << "the first restart is not held";
  std::vector<Millis> holds;
  for (ActionKind kind : {ActionKind::restart,
                          ActionKind::repair,
                          ActionKind::restart,
                          ActionKind::restart,
                          ActionKind::restart}) {
    damper.acted(action_of(kind, web), true, false, "");
    holds.push_back(damper.conditions(desired).at("web").hold);
    clock.advance(holds.back());
    EXPECT_EQ(damper.conditions(desired).at("web").hold, Millis(0));
  }
  EXPECT_EQ(holds,
            (std::vector<Millis>{seconds(1), seconds(2), seconds(4), seconds(8), seconds(8)}));
  EXPECT_EQ(damper.conditions(desired).at("web").attempts, 5);
}

TEST(FlapDamper, JournalsEachDelayOncePerStep) {
  test::FakeClock clock;
  FlapDamper damper(clock, k_settings);
  const DesiredService web = service_at("web", "1.0.0");
  damper.acted(action_of(ActionKind::restart, web), true, false, "");
  DelayedAction delayed{action_of(ActionKind::restart, web), seconds(1), 1};
  EXPECT_TRUE(damper.delayed(delayed));
  EXPECT_FALSE(damper.delayed(delayed)) << "the next poll in the same wait is quiet";
  damper.acted(action_of(ActionKind::restart, web), true, false, "");
  delayed.attempts = 2;
  EXPECT_TRUE(damper.delayed(delayed));
}

TEST(FlapDamper, ADegradedServiceRecoversOnceItStaysHealthyForTheStablePeriod) {
  test::FakeClock clock;
  FlapDamper damper(clock, k_settings);
  const DesiredService web = service_at("web", "1.0.0");
  EXPECT_FALSE(damper.observe("web", true)) << "never degraded: nothing to recover from";
  damper.acted(action_of(ActionKind::restart, web), true, false, "");
  (void)damper.delayed(DelayedAction{action_of(ActionKind::restart, web), seconds(1), 1});
  damper.acted(action_of(ActionKind::restart, web), true, false, "");
  clock.advance(seconds(20));
  EXPECT_FALSE(damper.observe("web", true)) << "up, but not for the stable period yet";
  EXPECT_FALSE(damper.observe("web", false)) << "down again: the period starts over";
  clock.advance(seconds(29));
  EXPECT_FALSE(damper.recovery_due()) << "a quiet poll may stand on the last pass until then";
  EXPECT_FALSE(damper.observe("web", true));
  clock.advance(seconds(1));
  EXPECT_TRUE(damper.recovery_due()) << "a pass must observe web now to report it";
  const auto recovery = damper.observe("web", true);
  ASSERT_TRUE(recovery);
  EXPECT_EQ(recovery->service, "web");
  EXPECT_EQ(recovery->summary, "up for 30s after 2 restarts or repairs in a row");
  clock.advance(seconds(60));
  EXPECT_FALSE(damper.observe("web", true)) << "reported once";
  EXPECT_FALSE(damper.recovery_due());
  EXPECT_TRUE(damper.conditions(Desired{"s", {{"web", web}}}).empty()) << "backoff reset";
}

TEST(FlapDamper, RemembersAFailureUntilSuccessOrANewDeclaration) {
  test::FakeClock clock;
  FlapDamper damper(clock, k_settings);
  const DesiredService v1 = service_at("web", "1.0.0");
  damper.acted(action_of(ActionKind::install, v1), false, false, "health check failed");
  EXPECT_EQ(damper.conditions(Desired{"s", {{"web", v1}}}).at("web").failure,
            "health check failed");
  EXPECT_EQ(damper.failure("web", service_at("web", "1.0.1")), "")
      << "a new declaration is not that failure";
  clock.advance(seconds(60));
  EXPECT_FALSE(damper.observe("web", false));

  damper.acted(action_of(ActionKind::upgrade, service_at("web", "1.0.1")), true, false, "");
  EXPECT_EQ(damper.failure("web", v1), "") << "a success clears it";
  clock.advance(seconds(30));
  const auto recovery = damper.observe("web", true);
  ASSERT_TRUE(recovery);
  EXPECT_EQ(recovery->summary, "up for 30s after a failed change");

  damper.acted(action_of(ActionKind::upgrade, v1), false, true, "HTTP 500; rolled back");
  EXPECT_EQ(damper.failure("web", v1), "") << "an auto-rollback leaves it to the quarantine";
}

TEST(FlapDamper, AFailedChangeBacksOffItsRetriesButNotANewDeclaration) {
  test::FakeClock clock;
  FlapDamper damper(clock, k_settings);
  const DesiredService v2 = service_at("web", "2.0.0");
  std::vector<Millis> holds;
  for (int attempt = 0; attempt < 4; ++attempt) {
    damper.acted(action_of(ActionKind::upgrade, v2), false, false, "registry unreachable");
    const ServiceCondition condition = damper.conditions(Desired{"s", {{"web", v2}}}).at("web");
    EXPECT_EQ(condition.failed_fingerprint, v2.fingerprint);
    holds.push_back(condition.hold);
    clock.advance(condition.hold);
  }
  EXPECT_EQ(holds, (std::vector<Millis>{seconds(1), seconds(2), seconds(4), seconds(8)}));
  damper.acted(action_of(ActionKind::upgrade, v2), false, false, "registry unreachable");
  const Desired fixed{"s", {{"web", service_at("web", "2.0.1")}}};
  EXPECT_NE(damper.conditions(fixed).at("web").failed_fingerprint,
            fixed.services.at("web").fingerprint)
      << "the sequencer holds only the spec that failed";
  EXPECT_EQ(damper.conditions(Desired{"s", {{"web", v2}}}, {}, true).at("web").hold, Millis(0))
      << "an operator's SIGHUP or POST /sync tries at once";
  damper.acted(action_of(ActionKind::upgrade, service_at("web", "2.0.1")), true, false, "");
  EXPECT_EQ(damper.conditions(fixed).count("web"), 0u) << "a success starts afresh";
}

}  // namespace
}  // namespace tether::flap_damper_test
