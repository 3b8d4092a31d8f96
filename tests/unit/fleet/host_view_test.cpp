#include "fleet/host_view.hpp"

#include "status_docs.hpp"

#include <gtest/gtest.h>

namespace tether::fleet::host_view_test {
namespace {

using namespace test;

// A document as GET /status serves it, written out by hand.
constexpr const char* k_web_01 = R"({
  "root": "/var/lib/tether",
  "stateCommit": "cccccccccccccccccccccccccccccccccccccccc",
  "host": "web-01",
  "labels": {"role": "web"},
  "desiredCommit": "cccccccccccccccccccccccccccccccccccccccc",
  "lastPass": {"time": "2024-05-01T10:00:00Z", "outcome": "failed"},
  "services": [
    {"service": "web", "process": "running", "installed": 2,
     "current": {"version": "1.4.1", "commit": "1410000000000000000000000000000000000000",
                 "dir": "1.4.1-141000000000-0123abcd", "intact": true, "damage": ""},
     "desired": {"version": "1.4.2", "commit": "1420000000000000000000000000000000000000"},
     "state": "quarantined", "lastError": "health check failed: HTTP 500",
     "quarantine": {"version": "1.4.2", "commit": "1420000000000000000000000000000000000000",
                    "dir": "1.4.2-142000000000-0123abcd", "reason": "HTTP 500",
                    "time": "2024-05-01T09:59:00Z"}},
    {"service": "api", "process": "not supervised", "installed": 0, "current": null,
     "desired": {"image": "registry.example.com/team/api@sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"},
     "state": "pending"},
    {"service": "legacy", "process": "running", "installed": 1,
     "current": {"version": "0.9", "commit": "", "dir": "0.9-x", "intact": true, "damage": ""},
     "desired": null, "state": "undeclared"}
  ]
})";

TEST(FleetHostView, ReadsEverythingFleetNeedsFromADocument) {
  const HostView host = host_view(answered("web-01", k_web_01));
  EXPECT_TRUE(host.reachable()) << host.problem;
  EXPECT_EQ(host.host, "web-01");
  EXPECT_EQ(host.name(), "web-01");
  EXPECT_EQ(host.target, "http://web-01:9410");
  EXPECT_EQ(host.desired_commit, state('c'));
  ASSERT_TRUE(host.last_pass);
  EXPECT_EQ(*host.last_pass, (LastPass{"2024-05-01T10:00:00Z", "failed", ""}));
  ASSERT_EQ(host.services.size(), 3u);
  EXPECT_EQ(host.services[0].service, "api") << "sorted by name";
  const ServiceView* web = host.find("web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->state, FleetState::quarantined);
  EXPECT_EQ(web->current, (ReleaseView{"1.4.1", commit_of("1.4.1"), ""}));
  EXPECT_EQ(web->desired, (ReleaseView{"1.4.2", commit_of("1.4.2"), ""}));
  EXPECT_EQ(web->last_error, "health check failed: HTTP 500");
  EXPECT_EQ(web->quarantine_reason, "HTTP 500");
  EXPECT_EQ(web->problem(), "health check failed: HTTP 500") << "lastError first";
  EXPECT_EQ(host.find("api")->current, std::nullopt);
  EXPECT_EQ(host.find("api")->desired->text(), "api@sha256:abcdef012345");
  EXPECT_EQ(host.find("legacy")->desired, std::nullopt);
  EXPECT_EQ(host.find("legacy")->state, FleetState::undeclared);
  EXPECT_EQ(host.find("legacy")->current->text(), "0.9");
  EXPECT_EQ(host.find("nope"), nullptr);
}

TEST(FleetHostView, ADiskOnlyDocumentHasNoStateAndNoAgentFields) {
  // `tether status --json` (no agent running): no host, desiredCommit, lastPass or state.
  const HostView host = host_view(answered(
      "db-1",
      R"({"root": "/r", "stateCommit": "", "services": [{"service": "db", "process": "running",
          "installed": 1, "current": {"version": "2", "commit": "", "dir": "2-x",
          "intact": true, "damage": ""}}]})"));
  ASSERT_TRUE(host.reachable()) << host.problem;
  EXPECT_EQ(host.name(), "db-1:9410") << "named by the target when the agent does not say";
  EXPECT_EQ(host.last_pass, std::nullopt);
  EXPECT_EQ(host.services.at(0).state, FleetState::unknown);
  EXPECT_EQ(host.services.at(0).desired, std::nullopt);
}

struct Unusable {
  Reply reply;
  const char* problem;
};

class FleetHostViewUnreachable : public ::testing::TestWithParam<Unusable> {};

TEST_P(FleetHostViewUnreachable, SaysWhy) {
  const HostView host = host_view(GetParam().reply);
  EXPECT_FALSE(host.reachable());
  EXPECT_EQ(host.problem, GetParam().problem);
  EXPECT_EQ(host.target, GetParam().reply.target);
  EXPECT_TRUE(host.services.empty());
  EXPECT_TRUE(host.host.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Replies,
    FleetHostViewUnreachable,
    ::testing::Values(
        Unusable{refused("a"), "connection refused"},
        Unusable{Reply{url_of("a"), "timeout after 5s", 0, ""}, "timeout after 5s"},
        Unusable{Reply{url_of("a"), "", 500, "boom"}, "HTTP 500"},
        Unusable{Reply{url_of("a"), "", 404, document("a", state('c'), {})}, "HTTP 404"},
        Unusable{answered("a", "<html>proxy error</html>"), "invalid JSON"},
        Unusable{answered("a", R"({"services": [)"), "invalid JSON"},
        Unusable{answered("a", "[1, 2]"), "not a tether status document: not a JSON object"},
        Unusable{answered("a", R"({"host": "a"})"),
                 "not a tether status document: no \"services\" array"},
        Unusable{answered("a", R"({"host": "a", "services": [{"state": "converged"}]})"),
                 "not a tether status document: a service without a name"},
        Unusable{answered("a", R"({"host": "a", "services": [42]})"),
                 "not a tether status document: a service without a name"}));

TEST(FleetHostView, WrongTypesAndUnknownStatesDoNotThrow) {
  const HostView host = host_view(
      answered("a",
               R"({"host": 7, "desiredCommit": null, "lastPass": "yesterday", "services": [
          {"service": "web", "state": "exploded", "current": "1.0", "desired": [],
           "lastError": {"x": 1}}]})"));
  ASSERT_TRUE(host.reachable()) << host.problem;
  EXPECT_EQ(host.host, "");
  EXPECT_EQ(host.last_pass, std::nullopt);
  EXPECT_EQ(host.services.at(0).state, FleetState::unknown);
  EXPECT_EQ(host.services.at(0).current, std::nullopt);
  EXPECT_EQ(host.services.at(0).desired, std::nullopt);
}

TEST(FleetHostView, BlockedCountsAsPendingAndDegradedAsFailedWithTheAgentsReason) {
  const HostView host = host_view(answered("a",
                                           R"json({"host": "a", "desiredCommit": "c1", "services": [
          {"service": "api", "state": "blocked", "blockedOn": "db",
           "reason": "waiting for db: its install failed in this pass",
           "desired": {"version": "2", "commit": ""}, "current": {"version": "1", "commit": ""}},
          {"service": "db", "state": "degraded", "reason": "restart delayed 4s (3 in a row)",
           "desired": {"version": "5", "commit": ""}, "current": {"version": "5", "commit": ""}},
          {"service": "web", "state": "failed", "lastError": "HTTP 500", "reason": "other",
           "desired": {"version": "3", "commit": ""}, "current": {"version": "3", "commit": ""}}
      ]})json"));
  ASSERT_TRUE(host.reachable()) << host.problem;
  EXPECT_EQ(host.find("api")->state, FleetState::pending);
  EXPECT_EQ(host.find("api")->problem(), "waiting for db: its install failed in this pass");
  EXPECT_EQ(host.find("db")->state, FleetState::failed);
  EXPECT_EQ(host.find("db")->problem(), "restart delayed 4s (3 in a row)");
  EXPECT_EQ(host.find("web")->problem(), "HTTP 500") << "lastError first";
}

TEST(FleetHostView, BakingCountsAsPendingNeverConverged) {
  const HostView host = host_view(answered("a",
                                           R"json({"host": "a", "desiredCommit": "c1", "services": [
          {"service": "web", "state": "baking",
           "analysis": {"version": "2", "bakeSeconds": 60, "elapsedSeconds": 3, "queries": []},
           "desired": {"version": "2", "commit": ""}, "current": {"version": "2", "commit": ""}}
      ]})json"));
  ASSERT_TRUE(host.reachable()) << host.problem;
  EXPECT_EQ(host.find("web")->state, FleetState::pending);
}

TEST(FleetHostView, ReadsTheWaveOfARolloutInWaves) {
  const HostView host = host_view(answered("a",
                                           R"json({"host": "a", "desiredCommit": "c1", "services": [
          {"service": "web", "state": "pending", "reason": "wave 2/3 (60%) due at ...",
           "wave": {"wave": 2, "waves": 3, "percent": 60, "dueAt": "x", "waiting": "pause"},
           "desired": {"version": "2", "commit": ""}, "current": {"version": "1", "commit": ""}},
          {"service": "api", "state": "converged", "wave": {"wave": "two", "waiting": null},
           "desired": {"version": "2", "commit": ""}, "current": {"version": "2", "commit": ""}},
          {"service": "db", "state": "converged", "wave": {"wave": 2000000000000},
           "desired": {"version": "2", "commit": ""}, "current": {"version": "2", "commit": ""}}
      ]})json"));
  ASSERT_TRUE(host.reachable()) << host.problem;
  EXPECT_EQ(host.find("web")->wave, 2);
  EXPECT_EQ(host.find("web")->waiting, "pause");
  EXPECT_EQ(host.find("api")->wave, 0) << "a wave that is not a number is no wave";
  EXPECT_EQ(host.find("api")->waiting, "");
  EXPECT_EQ(host.find("db")->wave, 0) << "out of range";
}

TEST(FleetHostView, StatesRoundTrip) {
  for (const FleetState state : {FleetState::converged,
                                 FleetState::pending,
                                 FleetState::failed,
                                 FleetState::quarantined,
                                 FleetState::undeclared}) {
    EXPECT_EQ(parse_fleet_state(to_string(state)), state);
  }
  EXPECT_EQ(parse_fleet_state(""), FleetState::unknown);
}

TEST(FleetHostView, EffectiveStateOfAConvergedReportWithAnotherLiveRelease) {
  const auto effective =
      [](const std::string& state_text, const std::string& declared, const std::string& live) {
        const HostView host = host_view(
            answered("a", document("a", state('c'), {service("web", state_text, declared, live)})));
        return effective_state(host.services.at(0));
      };
  EXPECT_EQ(effective("converged", "2", "2"), FleetState::converged);
  EXPECT_EQ(effective("converged", "2", "1"), FleetState::pending);
  EXPECT_EQ(effective("converged", "1", "2"), FleetState::pending);
  EXPECT_EQ(effective("converged", "2", ""), FleetState::pending);
  EXPECT_EQ(effective("failed", "2", "1"), FleetState::failed);
  EXPECT_EQ(effective("undeclared", "", "1"), FleetState::undeclared);
  // A container's live image is not in the report: its state is taken as reported.
  ServiceView container;
  container.state = FleetState::converged;
  container.desired = ReleaseView{"", "", "api@sha256:ab"};
  EXPECT_EQ(effective_state(container), FleetState::converged);
}

TEST(FleetHostView, AQuarantineWithoutLastErrorSaysWhyItWasQuarantined) {
  nlohmann::json web = service("web", "quarantined", "2", "1");
  web["quarantine"] = {{"version", "2"},
                       {"commit", commit_of("2")},
                       {"dir", "2-x"},
                       {"reason", "not healthy within 3s: HTTP 500"},
                       {"time", "2024-05-01T09:59:00Z"}};
  const HostView host = host_view(answered("a", document("a", state('c'), {web})));
  EXPECT_EQ(host.services.at(0).problem(), "quarantined: not healthy within 3s: HTTP 500");
  EXPECT_EQ((ServiceView{}).problem(), "");
}

TEST(FleetHostView, ReleaseText) {
  EXPECT_EQ((ReleaseView{"1.4.2", commit_of("1.4.2"), ""}).text(), "1.4.2 (142000000000)");
  EXPECT_EQ((ReleaseView{"1.4.2", "", ""}).text(), "1.4.2");
  EXPECT_EQ((ReleaseView{}).text(), "-");
  EXPECT_EQ((ReleaseView{"", "", "web@sha256:" + std::string(64, 'f')}).text(),
            "web@sha256:ffffffffffff");
  EXPECT_EQ(
      (ReleaseView{"", "", "registry.example.com/web:1.4@sha256:" + std::string(64, 'e')}).text(),
      "web:1.4@sha256:eeeeeeeeeeee");
}

}  // namespace
}  // namespace tether::fleet::host_view_test
