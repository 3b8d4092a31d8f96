// tether fleet plan: reading agents' /plan answers, the summary line and its renderings.
#include "fleet/plan_summary.hpp"

#include <gtest/gtest.h>

namespace tether::fleet::plan_summary_test {
namespace {

/// A tether.plan-preview/v1 document for `host` with web on `live` -> `desired`.
std::string preview_doc(const std::string& host,
                        const std::string& action,
                        const std::string& live,
                        const std::string& desired,
                        bool drift = false,
                        bool repairs = false) {
  nlohmann::json doc = {
      {"format", "tether.plan-preview/v1"},
      {"host", host},
      {"refName", "refs/heads/pr-42"},
      {"commit", std::string(40, 'c')},
      {"trust", {{"signature", "not-required"}, {"admitted", true}, {"detail", ""}}},
      {"services",
       {{{"service", "web"},
         {"action", action},
         {"reason", action + " to " + desired},
         {"live", {{"version", live}, {"text", live + " (aaaaaaaaaaaa)"}}},
         {"desired", {{"version", desired}, {"text", desired + " (bbbbbbbbbbbb)"}}},
         {"drift", drift},
         {"driftReason", drift ? "live release is damaged: binary bin/web was modified" : ""},
         {"repairsDrift", repairs}}}}};
  return doc.dump();
}

Reply ok_reply(const std::string& target, const std::string& body) {
  return Reply{target, "", 200, body};
}

TEST(HostPlan, ReadsAPreviewAnErrorDocumentAndTransportFailures) {
  const HostPlan plan = host_plan(
      ok_reply("http://a:1", preview_doc("web-1", "upgrade", "1.0.0", "1.1.0", true, true)));
  EXPECT_TRUE(plan.ok());
  EXPECT_EQ(plan.host, "web-1");
  ASSERT_EQ(plan.services.size(), 1u);
  EXPECT_EQ(plan.services[0].live_version, "1.0.0");
  EXPECT_EQ(plan.services[0].desired, "1.1.0 (bbbbbbbbbbbb)");
  EXPECT_TRUE(plan.drifted());

  const HostPlan missing = host_plan(Reply{
      "http://b:1", "", 404, R"({"error": "ref pr-9 not found at git://x/s.git", "hint": ""})"});
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.error, "HTTP 404: ref pr-9 not found at git://x/s.git");
  EXPECT_EQ(missing.name(), "b:1");

  EXPECT_EQ(host_plan(Reply{"http://c:1", "connection refused", 0, ""}).unreachable,
            "connection refused");
  EXPECT_EQ(host_plan(ok_reply("http://d:1", "{")).unreachable, "invalid JSON");
  EXPECT_EQ(host_plan(ok_reply("http://e:1", R"({"format": "tether.status/v1"})")).unreachable,
            "not a tether plan preview (format \"tether.status/v1\")");
  EXPECT_EQ(host_plan(Reply{"http://f:1", "", 404, ""}).error,
            "HTTP 404: no GET /plan here (an older agent?)");
}

TEST(FleetPlan, SummaryLineGroupsHostsAndCountsDriftAndFailures) {
  std::vector<HostPlan> hosts;
  for (const char* id : {"web-1", "web-2", "web-3"}) {
    hosts.push_back(host_plan(
        ok_reply(std::string("http://") + id, preview_doc(id, "upgrade", "1.0.0", "1.1.0"))));
  }
  hosts.push_back(host_plan(
      ok_reply("http://web-4", preview_doc("web-4", "upgrade", "1.0.0", "1.1.0", true, true))));
  hosts.push_back(host_plan(
      ok_reply("http://web-5", preview_doc("web-5", "restart", "1.1.0", "1.1.0", true, true))));
  hosts.push_back(host_plan(Reply{"http://10.0.0.9:9410", "connection refused", 0, ""}));
  const FleetPlan plan = summarize_plan("pr-42", hosts);
  EXPECT_FALSE(plan.complete());
  ASSERT_EQ(plan.changes.size(), 2u);
  EXPECT_EQ(plan.changes[0].hosts.size(), 4u) << "the biggest group first";
  EXPECT_EQ(plan.drift_repaired, (std::vector<std::string>{"web-4", "web-5"}));
  EXPECT_EQ(plan_headline(plan),
            "4 hosts upgrade web 1.0.0 → 1.1.0; 1 host restarts web; 2 hosts have drift that "
            "this PR would also repair; 1 host unreachable");
}

TEST(FleetPlan, NothingToDoSaysSoAndSingularHostsReadRight) {
  std::vector<HostPlan> hosts = {
      host_plan(ok_reply("http://a", preview_doc("a", "none", "1.0.0", "1.0.0"))),
      host_plan(ok_reply("http://b", preview_doc("b", "none", "1.0.0", "1.0.0", true, false))),
      host_plan(Reply{"http://c", "", 504, R"({"error": "fetching pr-42 took too long"})"}),
  };
  const FleetPlan plan = summarize_plan("pr-42", hosts);
  EXPECT_EQ(plan_headline(plan),
            "no host changes; 1 host has drift that this PR leaves as is; 1 host could not "
            "preview pr-42");
}

TEST(FleetPlan, MarkdownStartsWithTheHeadlineAndEscapesCells) {
  std::vector<HostPlan> hosts = {host_plan(
      ok_reply("http://a", preview_doc("web-1", "upgrade", "1.0.0", "1.1.0|x", true, true)))};
  hosts[0].admitted = false;
  hosts[0].signature = "unsigned";
  hosts[0].trust_detail = "verify.allowedSigners is /etc/tether/allowed_signers";
  const FleetPlan plan = summarize_plan("pr-42", hosts);
  const std::string markdown = plan_markdown(plan);
  EXPECT_EQ(markdown.rfind("### tether plan preview: `pr-42` at `cccccccccccc`\n\n**1 host "
                           "upgrades web 1.0.0 → 1.1.0|x; 1 host has drift that this PR would "
                           "also repair; 1 host would refuse the tip as it is (signature)**",
                           0),
            0u)
      << markdown;
  EXPECT_NE(markdown.find("> ⚠️ the tip is unsigned"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| web-1 | web | 1.0.0 (aaaaaaaaaaaa) | 1.1.0\\|x (bbbbbbbbbbbb) | "
                          "upgrade | repaired: live release is damaged"),
            std::string::npos)
      << markdown;
}

TEST(FleetPlan, TextAndJsonListEveryHost) {
  std::vector<HostPlan> hosts = {
      host_plan(ok_reply("http://a", preview_doc("web-1", "none", "1.0.0", "1.0.0"))),
      host_plan(Reply{"http://10.0.0.9:9410", "timeout after 1m", 0, ""}),
  };
  const FleetPlan plan = summarize_plan("pr-42", hosts);
  const std::string text = plan_text(plan);
  EXPECT_NE(
      text.find("HOST           SERVICE  LIVE  DESIRED  ACTION       DRIFT  REASON\n"
                "web-1          -        -     -        none         -      no change\n"
                "10.0.0.9:9410  -        -     -        unreachable  -      timeout after 1m"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("10.0.0.9:9410"), std::string::npos) << text;
  EXPECT_NE(text.find("timeout after 1m"), std::string::npos) << text;
  const auto json = plan_json(plan);
  EXPECT_EQ(json["format"], "tether.fleet-plan/v1");
  EXPECT_EQ(json["targets"], 2);
  EXPECT_EQ(json["answered"], 1);
  EXPECT_EQ(json["complete"], false);
  EXPECT_EQ(json["unreachable"][0]["url"], "http://10.0.0.9:9410");
  EXPECT_EQ(json["hosts"][1]["ok"], false);
}

}  // namespace
}  // namespace tether::fleet::plan_summary_test
