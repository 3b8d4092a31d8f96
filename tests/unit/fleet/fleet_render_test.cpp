#include "fleet/fleet_render.hpp"

#include "status_docs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::fleet::fleet_render_test {
namespace {

using namespace test;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<HostView> small_fleet() {
  return views({
      answered("web-1",
               document("web-1", state('c'), {service("web", "converged", "1.4.2", "1.4.2")})),
      answered("web-2",
               document("web-2",
                        state('c'),
                        {service("web", "quarantined", "1.4.2", "1.4.1", "health: HTTP 500")},
                        "failed")),
      answered("web-3",
               document("web-3", state('b'), {service("web", "converged", "1.4.1", "1.4.1")})),
      refused("web-4"),
  });
}

TEST(FleetRender, TableAlignsColumnsAndTrimsTrailingBlanks) {
  EXPECT_EQ(table({{"A", "BB", "C"}, {"long", "x", ""}, {"y"}}),
            "A     BB  C\n"
            "long  x\n"
            "y\n");
}

TEST(FleetRender, StatusTextServiceTableUnreachableBehindAndVerdict) {
  const std::vector<HostView> hosts = small_fleet();
  const std::string text = status_text(hosts, summarize(hosts), HostTable::hide);
  EXPECT_EQ(text,
            "SERVICE  RELEASE               HOSTS  CONVERGED  PENDING  FAILED  QUARANTINED  "
            "UNDECLARED\n"
            "web      1.4.1 (141000000000)  1      1          0        0       0            0\n"
            "web      1.4.2 (142000000000)  2      1          0        0       1            0\n"
            "\n"
            "unreachable: 1 of 4 targets\n"
            "URL                PROBLEM\n"
            "http://web-4:9410  connection refused\n"
            "\n"
            "behind: 1 host converging to another state commit than cccccccccccc (2 hosts)\n"
            "HOST   URL                DESIRED       LAST PASS                       PROBLEM\n"
            "web-3  http://web-3:9410  bbbbbbbbbbbb  converged 2024-05-01T10:00:00Z\n"
            "\n"
            "not converged: 3 of 4 targets answered, 1 not converged, 1 behind\n");
}

TEST(FleetRender, StatusTextWithHosts) {
  const std::vector<HostView> hosts = small_fleet();
  const std::string text = status_text(hosts, summarize(hosts, "web"), HostTable::show);
  EXPECT_THAT(text, HasSubstr("HOST        URL                DESIRED       SERVICE  STATE"));
  EXPECT_THAT(text,
              HasSubstr("web-2       http://web-2:9410  cccccccccccc  web      quarantined  1.4.1 "
                        "(141000000000)  failed 2024-05-01T10:00:00Z     health: HTTP 500\n"));
  EXPECT_THAT(text, HasSubstr("web-4:9410  http://web-4:9410  -             -        unreachable"));
  EXPECT_THAT(text, HasSubstr("connection refused"));
}

TEST(FleetRender, ConvergedFleetAndAServiceNobodyRuns) {
  const std::vector<HostView> hosts =
      views({answered("a", document("a", state('c'), {service("web", "converged", "2", "2")}))});
  EXPECT_THAT(status_text(hosts, summarize(hosts), HostTable::hide),
              HasSubstr("\nconverged: 1 of 1 target answered\n"));
  const std::string nobody = status_text(hosts, summarize(hosts, "api"), HostTable::hide);
  EXPECT_THAT(nobody, HasSubstr("no answering host declares or runs api\n"));
  EXPECT_THAT(nobody, HasSubstr("not converged"));
}

TEST(FleetRender, UnknownColumnOnlyWhenSomeStateIsUnknown) {
  const std::vector<HostView> hosts =
      views({answered("a", R"({"services": [{"service": "web"}]})")});
  EXPECT_THAT(status_text(hosts, summarize(hosts), HostTable::hide), HasSubstr("UNKNOWN"));
  EXPECT_THAT(status_text(small_fleet(), summarize(small_fleet()), HostTable::hide),
              Not(HasSubstr("UNKNOWN")));
}

TEST(FleetRender, StatusJson) {
  const std::vector<HostView> hosts = small_fleet();
  const nlohmann::json json = status_json(hosts, summarize(hosts));
  EXPECT_EQ(json["format"], "tether.fleet-status/v1");
  EXPECT_EQ(json["service"], nullptr);
  EXPECT_EQ(json["converged"], false);
  EXPECT_EQ(json["targets"], 4);
  EXPECT_EQ(json["answered"], 3);
  EXPECT_EQ(json["majorityCommit"], state('c'));
  ASSERT_EQ(json["services"].size(), 2u);
  EXPECT_EQ(json["services"][1],
            (nlohmann::json{{"service", "web"},
                            {"release", {{"version", "1.4.2"}, {"commit", commit_of("1.4.2")}}},
                            {"releaseText", "1.4.2 (142000000000)"},
                            {"hosts", 2},
                            {"converged", 1},
                            {"pending", 0},
                            {"failed", 0},
                            {"quarantined", 1},
                            {"unhealthy", 0},
                            {"undeclared", 0},
                            {"unknown", 0}}));
  EXPECT_EQ(json["unreachable"],
            (nlohmann::json{{{"url", "http://web-4:9410"}, {"problem", "connection refused"}}}));
  EXPECT_EQ(json["behind"][0]["host"], "web-3");
  EXPECT_EQ(json["behind"][0]["lastPass"]["outcome"], "converged");
  ASSERT_EQ(json["hosts"].size(), 4u);
  EXPECT_EQ(json["hosts"][1]["services"][0],
            (nlohmann::json{{"service", "web"},
                            {"state", "quarantined"},
                            {"desired", {{"version", "1.4.2"}, {"commit", commit_of("1.4.2")}}},
                            {"current", {{"version", "1.4.1"}, {"commit", commit_of("1.4.1")}}},
                            {"lastError", "health: HTTP 500"}}));
  EXPECT_EQ(json["hosts"][3]["reachable"], false);
  EXPECT_EQ(json["hosts"][3]["problem"], "connection refused");
  EXPECT_EQ(json["hosts"][3]["lastPass"], nullptr);
  EXPECT_FALSE(json["hosts"][0].contains("problem"));
}

TEST(FleetRender, WaitTextListsTheHostsStillMissing) {
  const std::vector<HostView> hosts = small_fleet();
  const WaitGoal goal{"web", "1.4.2", "", 100};
  const std::string text =
      wait_text(goal, check_goal(hosts, goal), summarize(hosts, "web"), WaitOutcome::quarantined);
  EXPECT_THAT(text,
              HasSubstr("\nweb 1.4.2: 1 of 4 hosts (25%) converged, want 100%: stopped, a host "
                        "quarantined it"));
  EXPECT_THAT(text, HasSubstr("still missing: 3\nHOST        URL                STANDING"));
  EXPECT_THAT(text, HasSubstr("web-2       http://web-2:9410  quarantined    runs 1.4.1"));
  EXPECT_THAT(text, HasSubstr("web-4:9410  http://web-4:9410  unreachable    connection refused"));
  EXPECT_THAT(text, Not(HasSubstr("web-1 ")));
}

TEST(FleetRender, WaitTextWhenMetAndIgnoredHosts) {
  const std::vector<HostView> hosts =
      views({answered("a", document("a", state('c'), {service("web", "converged", "2", "2")})),
             answered("b", document("b", state('c'), {})),
             answered("c", document("c", state('c'), {}))});
  const WaitGoal goal{"web", "2", "", 100};
  const std::string text =
      wait_text(goal, check_goal(hosts, goal), summarize(hosts, "web"), WaitOutcome::met);
  EXPECT_THAT(text, HasSubstr("web 2: 1 of 1 host (100%) converged, want 100%: met\n"));
  EXPECT_THAT(text, HasSubstr("2 answering hosts neither declare nor run web (not counted)\n"));
  EXPECT_THAT(text, Not(HasSubstr("still missing")));
}

TEST(FleetRender, WaitJson) {
  const std::vector<HostView> hosts = small_fleet();
  const WaitGoal goal{"web", "1.4.2", "142", 75};
  const nlohmann::json json = wait_json(goal, check_goal(hosts, goal), WaitOutcome::timed_out);
  EXPECT_EQ(json["format"], "tether.fleet-wait/v1");
  EXPECT_EQ(json["goal"],
            (nlohmann::json{
                {"service", "web"}, {"version", "1.4.2"}, {"commit", "142"}, {"percent", 75}}));
  EXPECT_EQ(json["outcome"], "timed-out");
  EXPECT_EQ(json["done"], 1);
  EXPECT_EQ(json["counted"], 4);
  EXPECT_EQ(json["percentDone"], 25);
  ASSERT_EQ(json["hosts"].size(), 4u);
  EXPECT_EQ(json["hosts"][2],
            (nlohmann::json{{"host", "web-4:9410"},
                            {"url", "http://web-4:9410"},
                            {"standing", "unreachable"},
                            {"detail", "connection refused"}}));
}

TEST(FleetRender, ARefusedTipIsNamedWithItsReasonAndTheVerdictSaysNotConverged) {
  const std::string problem = "state commit ffffffffffff refused: services/web.yaml:7: bad";
  const std::vector<HostView> hosts = views({
      answered("web-1",
               off_tip_document("web-1",
                                state('c'),
                                state('f'),
                                {service("web", "converged", "1.4.2", "1.4.2")},
                                "refused",
                                problem)),
      answered("web-2",
               off_tip_document("web-2",
                                state('c'),
                                "",
                                {service("web", "unhealthy", "1.4.2", "1.4.2")},
                                "unreachable",
                                "connection refused")),
  });
  const FleetSummary summary = summarize(hosts);
  const std::string text = status_text(hosts, summary, HostTable::hide);
  EXPECT_THAT(text, HasSubstr("QUARANTINED  UNHEALTHY  UNDECLARED\n"));
  EXPECT_THAT(text,
              HasSubstr("tip not applied: 2 hosts keep their last good state commit (the tip was "
                        "refused, or the state repo is unreachable)\n"
                        "HOST   URL                LAST PASS    APPLIED       TIP           "
                        "PROBLEM\n"
                        "web-1  http://web-1:9410  refused      cccccccccccc  ffffffffffff  " +
                        problem +
                        "\n"
                        "web-2  http://web-2:9410  unreachable  cccccccccccc  -             "
                        "connection refused\n"));
  EXPECT_THAT(text,
              HasSubstr("\nnot converged: 2 of 2 targets answered, 1 not converged, 1 refused the "
                        "tip, 1 cannot reach the state repo\n"));

  const nlohmann::json json = status_json(hosts, summary);
  EXPECT_EQ(json["converged"], false);
  ASSERT_EQ(json["tipNotApplied"].size(), 2u);
  EXPECT_EQ(json["tipNotApplied"][0]["outcome"], "refused");
  EXPECT_EQ(json["tipNotApplied"][0]["tipCommit"], state('f'));
  EXPECT_EQ(json["tipNotApplied"][0]["desiredCommit"], state('c'));
  EXPECT_EQ(json["tipNotApplied"][0]["problem"], problem);
  EXPECT_EQ(json["hosts"][0]["tipCommit"], state('f'));
  EXPECT_EQ(json["services"][0]["unhealthy"], 1);
}

TEST(FleetRender, WavesGetATableAndAJsonList) {
  std::vector<HostView> hosts = small_fleet();
  hosts[0].services[0].wave = 1;
  hosts[1].services[0].wave = 2;
  hosts[1].services[0].waiting = "halted";
  hosts[2].services[0].wave = 2;
  hosts[2].services[0].waiting = "pause";
  const FleetSummary summary = summarize(hosts);
  const std::string text = status_text(hosts, summary, HostTable::hide);
  EXPECT_THAT(text,
              HasSubstr("SERVICE  WAVE  RELEASE               HOSTS  CONVERGED  WAITING\n"
                        "web      1     1.4.2 (142000000000)  1      1          -\n"
                        "web      2     1.4.1 (141000000000)  1      1          1 pause\n"
                        "web      2     1.4.2 (142000000000)  1      0          1 halted\n"));
  const nlohmann::json json = status_json(hosts, summary);
  ASSERT_EQ(json["waves"].size(), 3u);
  EXPECT_EQ(json["waves"][2]["waiting"]["halted"], 1);
  EXPECT_EQ(json["hosts"][1]["services"][0]["wave"]["waiting"], "halted");
  EXPECT_THAT(status_text(small_fleet(), summarize(small_fleet()), HostTable::hide),
              Not(HasSubstr("WAVE")));
}

}  // namespace
}  // namespace tether::fleet::fleet_render_test
