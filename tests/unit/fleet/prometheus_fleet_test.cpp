// HostViews built from Prometheus' samples of the agents' /metrics (`tether fleet
// --prometheus`): the same facts GET /status gives, down targets unreachable, missing series
// missing.
#include "fleet/prometheus_fleet.hpp"

#include "fleet/fleet_summary.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tether::fleet::prometheus_fleet_test {
namespace {

VectorSample at(const std::string& instance,
                std::map<std::string, std::string> labels,
                double value = 1) {
  labels["instance"] = instance;
  labels["job"] = "tether";
  return VectorSample{std::move(labels), value};
}

/// Two agents up (web-1 converged on 2.0.0, web-2 in wave 2 waiting), one down.
FleetSamples three_agents() {
  FleetSamples samples;
  samples["up"] = {at("10.0.0.1:9410", {}), at("10.0.0.2:9410", {}), at("10.0.0.3:9410", {}, 0)};
  samples["tether_agent_info"] = {at("10.0.0.1:9410", {{"host_id", "web-1"}}),
                                  at("10.0.0.2:9410", {{"host_id", "web-2"}})};
  samples["tether_state_info"] = {at("10.0.0.1:9410", {{"tip", "c2"}, {"applied", "c2"}}),
                                  at("10.0.0.2:9410", {{"tip", "c2"}, {"applied", "c2"}})};
  samples["tether_state_refused"] = {at("10.0.0.1:9410", {}, 0), at("10.0.0.2:9410", {}, 0)};
  samples["tether_last_reconcile_timestamp_seconds"] = {at("10.0.0.1:9410", {}, 1765100000.5),
                                                        at("10.0.0.2:9410", {}, 1765100001)};
  samples["tether_service_state"] = {
      at("10.0.0.1:9410", {{"service", "web"}, {"state", "converged"}}),
      at("10.0.0.2:9410", {{"service", "web"}, {"state", "suspended"}})};
  const std::map<std::string, std::string> web2 = {
      {"service", "web"}, {"version", "2.0.0"}, {"commit", "ab"}, {"image", ""}};
  samples["tether_desired_release_info"] = {at("10.0.0.1:9410", web2), at("10.0.0.2:9410", web2)};
  samples["tether_service_info"] = {
      at("10.0.0.1:9410", {{"service", "web"}, {"version", "2.0.0"}, {"commit", "ab"}}),
      at("10.0.0.2:9410", {{"service", "web"}, {"version", "1.0.0"}, {"commit", "aa"}}),
      at("10.0.0.2:9410", {{"service", "old"}, {"version", "0.1"}, {"commit", "ff"}})};
  samples["tether_rollout_wave"] = {at("10.0.0.1:9410", {{"service", "web"}}, 1),
                                    at("10.0.0.2:9410", {{"service", "web"}}, 2)};
  samples["tether_rollout_waiting"] = {
      at("10.0.0.2:9410", {{"service", "web"}, {"reason", "pause"}})};
  return samples;
}

TEST(PrometheusFleet, OneQueryPerFamilyOverTheJob) {
  EXPECT_EQ(fleet_query("up", "tether"), R"(up{job="tether"})");
  EXPECT_EQ(fleet_query("up", R"(a"b\c)"), R"(up{job="a\"b\\c"})");
  EXPECT_EQ(fleet_families().front(), "up");
}

TEST(PrometheusFleet, AgentsBecomeTheHostViewsTheirStatusGives) {
  const std::vector<HostView> hosts = hosts_from_samples(three_agents());
  ASSERT_EQ(hosts.size(), 3u);
  const HostView& one = hosts[0];
  EXPECT_EQ(one.target, "10.0.0.1:9410");
  EXPECT_EQ(one.host, "web-1");
  EXPECT_TRUE(one.reachable());
  EXPECT_EQ(one.desired_commit, "c2");
  EXPECT_EQ(one.tip_commit, "c2");
  ASSERT_TRUE(one.last_pass);
  EXPECT_EQ(one.last_pass->outcome, "converged");
  EXPECT_EQ(one.last_pass->time, "2025-12-07T09:33:20.500Z");
  ASSERT_EQ(one.services.size(), 1u);
  const ServiceView web{"web",
                        FleetState::converged,
                        ReleaseView{"2.0.0", "ab", ""},
                        ReleaseView{"2.0.0", "ab", ""},
                        "",
                        "",
                        1,
                        ""};
  EXPECT_EQ(one.services[0], web);

  const HostView& two = hosts[1];
  EXPECT_EQ(two.host, "web-2");
  ASSERT_EQ(two.services.size(), 2u);
  EXPECT_EQ(two.services[0].service, "old");
  EXPECT_EQ(two.services[0].state, FleetState::undeclared) << "live, not declared";
  EXPECT_FALSE(two.services[0].desired);
  EXPECT_EQ(two.services[1].state, FleetState::pending) << "suspended folds into pending";
  EXPECT_EQ(two.services[1].wave, 2);
  EXPECT_EQ(two.services[1].waiting, "pause");
}

TEST(PrometheusFleet, ADownTargetIsUnreachableWithNothingElse) {
  FleetSamples samples = three_agents();
  // A down target's series are stale; a leftover one must not make it answer.
  samples["tether_agent_info"].push_back(at("10.0.0.3:9410", {{"host_id", "web-3"}}));
  const HostView down = hosts_from_samples(samples)[2];
  EXPECT_FALSE(down.reachable());
  EXPECT_NE(down.problem.find("up == 0"), std::string::npos) << down.problem;
  EXPECT_EQ(down.host, "");
  EXPECT_TRUE(down.services.empty());
  const FleetSummary summary = summarize(hosts_from_samples(samples));
  EXPECT_EQ(summary.unreachable.size(), 1u);
  EXPECT_FALSE(summary.converged());
}

TEST(PrometheusFleet, MissingSeriesStayMissing) {
  FleetSamples samples;
  samples["up"] = {at("10.0.0.9:9410", {})};
  samples["tether_service_info"] = {at("elsewhere:1", {{"service", "web"}, {"version", "1"}})};
  const std::vector<HostView> hosts = hosts_from_samples(samples);
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_TRUE(hosts[0].reachable()) << "up, no pass finished yet";
  EXPECT_FALSE(hosts[0].last_pass);
  EXPECT_TRUE(hosts[0].services.empty()) << "a sample of an instance `up` does not list";
  EXPECT_EQ(summarize(hosts).without_pass, 1);
  EXPECT_TRUE(hosts_from_samples(FleetSamples{}).empty());
}

TEST(PrometheusFleet, RefusedTipAndOddValues) {
  FleetSamples samples = three_agents();
  samples["tether_state_refused"][0].value = 1;
  samples["tether_rollout_wave"][0].value = std::nan("");
  samples["tether_last_reconcile_timestamp_seconds"][1].value = -5;
  const std::vector<HostView> hosts = hosts_from_samples(samples);
  ASSERT_TRUE(hosts[0].last_pass);
  EXPECT_EQ(hosts[0].last_pass->outcome, "refused");
  EXPECT_TRUE(hosts[0].tip_not_applied());
  EXPECT_EQ(hosts[0].services[0].wave, 0);
  EXPECT_FALSE(hosts[1].last_pass);
}

TEST(PrometheusFleet, WavesSumUpPerServiceWaveAndRelease) {
  const FleetSummary summary = summarize(hosts_from_samples(three_agents()), "web");
  ASSERT_EQ(summary.waves.size(), 2u);
  EXPECT_EQ(summary.waves[0], (WaveRow{"web", 1, ReleaseView{"2.0.0", "ab", ""}, 1, 1, 0, 0}));
  EXPECT_EQ(summary.waves[1], (WaveRow{"web", 2, ReleaseView{"2.0.0", "ab", ""}, 1, 0, 1, 0}));
}

}  // namespace
}  // namespace tether::fleet::prometheus_fleet_test
