#include "live/spec_json.hpp"

#include <gtest/gtest.h>

namespace tether {
namespace {

TEST(SpecJson, RunSpecsRoundTrip) {
  const RunSpec exec = ExecRun{{"bin/web", "--port", "8080"}, {{"MODE", "prod"}}, Millis(7000)};
  EXPECT_EQ(run_from_json(run_to_json(exec)), exec);
  const RunSpec unit = SystemdRun{"web.service"};
  EXPECT_EQ(run_from_json(run_to_json(unit)), unit);
  EXPECT_EQ(run_from_json(nlohmann::json{{"exec", {{"env", {}}}}}), std::nullopt)
      << "no command: unusable";
}

TEST(SpecJson, HealthSpecsRoundTripForEveryProbeKind) {
  for (const Probe& probe : {Probe{HttpProbe{"http://127.0.0.1:1/h", 204, "ok"}},
                             Probe{TcpProbe{"127.0.0.1:9"}},
                             Probe{ExecProbe{{"bin/check", "-q"}}}}) {
    HealthSpec health;
    health.probe = probe;
    health.timeout = Millis(1500);
    health.interval = Millis(250);
    health.deadline = Millis(9000);
    health.initial_delay = Millis(100);
    health.successes = 3;
    EXPECT_EQ(health_from_json(health_to_json(health)), health);
  }
}

}  // namespace
}  // namespace tether
