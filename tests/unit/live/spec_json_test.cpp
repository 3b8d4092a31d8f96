#include "live/spec_json.hpp"

#include <gtest/gtest.h>

namespace tether::spec_json_test {
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

/// The serving record's JSON of each probe kind, pinned: records written by an older agent must
/// read back the same, and a newer one must write what an older one reads.
TEST(SpecJson, EachProbeKindsJsonIsPinned) {
  const auto json_of = [](Probe probe) {
    HealthSpec health;
    health.probe = std::move(probe);
    return health_to_json(health).at(probe_key(health.probe)).dump();
  };
  EXPECT_EQ(json_of(HttpProbe{"http://127.0.0.1:8080/healthz", 200, ""}),
            R"({"body":"","status":200,"url":"http://127.0.0.1:8080/healthz"})");
  EXPECT_EQ(json_of(HttpProbe{"http://127.0.0.1:8080/ready", 204, "ok"}),
            R"({"body":"ok","status":204,"url":"http://127.0.0.1:8080/ready"})");
  EXPECT_EQ(json_of(TcpProbe{"127.0.0.1:5432"}), R"({"address":"127.0.0.1:5432"})");
  EXPECT_EQ(json_of(ExecProbe{{"bin/check", "-q"}}), R"({"command":["bin/check","-q"]})");
}

TEST(SpecJson, AnOlderRecordWithoutAnHttpProbesDefaultsReadsThem) {
  const auto health = health_from_json(nlohmann::json::parse(R"({"http":{"url":"http://a/"}})"));
  ASSERT_TRUE(health);
  EXPECT_EQ(health->probe, Probe(HttpProbe{"http://a/", 200, ""}));
  EXPECT_EQ(health_from_json(nlohmann::json::parse(R"({"tcp":{}})")), std::nullopt)
      << "a required field missing: unusable";
}

}  // namespace
}  // namespace tether::spec_json_test
