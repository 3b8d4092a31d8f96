// ServiceRunner for run.systemd: the unit is restarted through systemctl (scripted here, PID 1
// is not systemd) and judged by is-active or the health gate.
#include "apply/service_runner.hpp"

#include "fake_clock.hpp"
#include "fake_command_runner.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::service_runner_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// A prober that must not be reached, or answers as told.
class FixedProber final : public Prober {
 public:
  explicit FixedProber(bool healthy) : m_healthy(healthy) {}
  ProbeResult probe(const Probe&, Millis, const std::filesystem::path&) override {
    ++m_calls;
    return {m_healthy, m_healthy ? "ok" : "HTTP 500"};
  }
  int m_calls = 0;

 private:
  bool m_healthy;
};

DesiredService systemd_service(bool with_health) {
  DesiredService desired;
  desired.service.name = "web";
  desired.service.run = RunSpec{SystemdRun{"web.service"}};
  if (with_health) {
    HealthSpec health;
    health.probe = HttpProbe{"http://127.0.0.1:1/healthz", 200, ""};
    health.deadline = std::chrono::seconds(3);
    desired.service.health = health;
  }
  return desired;
}

struct Fixture {
  test::TempDir dir;
  Layout layout{dir.path()};
  ExecSupervisor supervisor{layout, Millis(10)};
  test::FakeCommandRunner runner;
  SystemdController systemd{runner, std::chrono::seconds(20)};
  test::FakeClock clock;
};

TEST(ServiceRunnerSystemd, RestartsTheUnitAndChecksItIsActive) {
  Fixture f;
  FixedProber prober(true);
  f.runner.exits(0);  // restart
  f.runner.exits(0);  // is-active
  const ServiceRunner runner(f.layout, f.supervisor, f.systemd, prober, f.clock);
  const Status status = runner.bring_up(systemd_service(false), "1.0.0-aaaaaaaaaaaa-11111111");
  EXPECT_TRUE(status) << status.error().describe();
  ASSERT_EQ(f.runner.m_commands.size(), 2u);
  EXPECT_THAT(f.runner.m_commands[0].argv, ElementsAre("systemctl", "restart", "web.service"));
  EXPECT_THAT(f.runner.m_commands[1].argv,
              ElementsAre("systemctl", "is-active", "--quiet", "web.service"));
  EXPECT_EQ(prober.m_calls, 0);
}

TEST(ServiceRunnerSystemd, AnInactiveUnitAfterRestartIsUnhealthy) {
  Fixture f;
  FixedProber prober(true);
  f.runner.exits(0);
  f.runner.exits(3);
  const ServiceRunner runner(f.layout, f.supervisor, f.systemd, prober, f.clock);
  const Status status = runner.bring_up(systemd_service(false), "1.0.0-aaaaaaaaaaaa-11111111");
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("web.service is not active"));
}

TEST(ServiceRunnerSystemd, AFailedRestartNamesTheUnit) {
  Fixture f;
  FixedProber prober(true);
  f.runner.exits(1,
                 "Job for web.service failed because the control process exited with error code.");
  const ServiceRunner runner(f.layout, f.supervisor, f.systemd, prober, f.clock);
  const Status status = runner.bring_up(systemd_service(false), "1.0.0-aaaaaaaaaaaa-11111111");
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("web.service"));
  EXPECT_THAT(status.error().message, HasSubstr("control process exited"));
}

TEST(ServiceRunnerSystemd, HealthGateJudgesTheUnitAndStopsProbingWhenItDies) {
  Fixture f;
  FixedProber unhealthy(false);
  f.runner.exits(0);  // restart
  f.runner.exits(0);  // is-active: up for the first probe
  f.runner.exits(3);  // then gone
  const ServiceRunner runner(f.layout, f.supervisor, f.systemd, unhealthy, f.clock);
  const Status status = runner.bring_up(systemd_service(true), "1.0.0-aaaaaaaaaaaa-11111111");
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("is not active"));
  EXPECT_EQ(unhealthy.m_calls, 1);
}

TEST(ServiceRunnerSystemd, StopLeavesTheUnitToTheRestart) {
  Fixture f;
  FixedProber prober(true);
  const ServiceRunner runner(f.layout, f.supervisor, f.systemd, prober, f.clock);
  EXPECT_TRUE(runner.stop(systemd_service(false)));
  EXPECT_TRUE(f.runner.m_commands.empty());
}

}  // namespace
}  // namespace tether::service_runner_test
