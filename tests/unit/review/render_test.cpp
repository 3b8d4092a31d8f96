#include "review/render.hpp"

#include "review/classify.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::review::render_test {
namespace {

ReleaseView rendered_binary(const std::string& version, char build) {
  ReleaseView view;
  view.version = version;
  view.commit = std::string(40, build);
  view.binary_sha256 = std::string(64, build);
  view.artifact_sha256 = std::string(64, build);
  view.config_hash = std::string(64, 'c');
  return view;
}

DeclaredService rendered_declared(const ReleaseView& release,
                                  int percent = 100,
                                  bool included = true) {
  DeclaredService service;
  service.release = release;
  service.rollout = Rollout{percent, 17, included};
  return service;
}

/// Three web hosts rolling web back from 1.5.0 to 1.4.2 (declared earlier), db unchanged.
ReviewPlan rollback_plan() {
  DeclaredHistory history;
  history["web"][rendered_binary("1.4.2", 'a').identity()] = Declaration{1, std::string(40, '1')};
  history["web"][rendered_binary("1.5.0", 'b').identity()] = Declaration{0, std::string(40, '2')};
  ReviewPlan plan{"v2", std::string(40, '2'), "main", std::string(40, '3'), {}, {}};
  for (const std::string host : {"web-01", "web-02", "web-03"}) {
    HostInput input{host, {{"role", "web"}}, {}, {}};
    input.from.emplace("web", rendered_declared(rendered_binary("1.5.0", 'b')));
    input.to.emplace("web", rendered_declared(rendered_binary("1.4.2", 'a')));
    input.from.emplace("db", rendered_declared(rendered_binary("2.0", 'd')));
    input.to.emplace("db", rendered_declared(rendered_binary("2.0", 'd')));
    plan.hosts.push_back(plan_host(input, history));
  }
  plan.summary = summarize(plan.hosts);
  return plan;
}

TEST(ReviewPlanRender, TextListsEveryHostAndServiceWithHashesAndRollout) {
  const std::string text = render_text(rollback_plan());
  EXPECT_EQ(text.rfind("plan 222222222222 (v2) -> 333333333333 (main)\n"
                       "3 hosts roll back web 1.5.0 → 1.4.2\n",
                       0),
            0u)
      << text;
  EXPECT_NE(
      text.find("\nweb-02 (role=web)\n"
                "  db: unchanged 2.0 (commit dddddddddddd, binary dddddddddddd, config "
                "cccccccccccc)\n"
                "    rollout 100% (bucket 17): in\n"
                "  web: rollback 1.5.0 (commit bbbbbbbbbbbb, binary bbbbbbbbbbbb, config "
                "cccccccccccc) -> 1.4.2 (commit aaaaaaaaaaaa, binary aaaaaaaaaaaa, config "
                "cccccccccccc)\n"
                "    declared earlier (first at 111111111111); rollout 100% (bucket 17): in\n"),
      std::string::npos)
      << text;
}

// A switch strategy other than the default restart is named where the change is: a reviewer
// sees that web moves behind nginx without a gap, and the JSON carries it too.
TEST(ReviewPlanRender, TextAndJsonNameABlueGreenSwitch) {
  ReviewPlan plan{"v1", std::string(40, '1'), "main", std::string(40, '2'), {}, {}};
  HostInput input{"web-01", {}, {}, {}};
  input.from.emplace("web", rendered_declared(rendered_binary("1.4.2", 'a')));
  DeclaredService upgraded = rendered_declared(rendered_binary("1.5.0", 'b'));
  upgraded.switch_strategy = "blue-green behind nginx";
  input.to.emplace("web", upgraded);
  input.from.emplace("db", rendered_declared(rendered_binary("2.0", 'd')));
  input.to.emplace("db", rendered_declared(rendered_binary("2.1", 'e')));
  plan.hosts.push_back(plan_host(input, {}));
  plan.summary = summarize(plan.hosts);
  const std::string text = render_text(plan);
  EXPECT_NE(text.find("    switch: blue-green behind nginx; rollout 100% (bucket 17): in\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("switch: restart"), std::string::npos) << "the default goes unsaid";
  const auto json = nlohmann::json::parse(render_json(plan));
  const auto& services = json["hosts"][0]["services"];
  ASSERT_EQ(services.size(), 2u) << json.dump(2);
  EXPECT_FALSE(services[0].contains("switch_strategy")) << services[0].dump();
  EXPECT_EQ(services[1]["switch_strategy"], "blue-green behind nginx") << services[1].dump();
}

TEST(ReviewPlanRender, TextSaysWhenAHostIsOutsideTheRollout) {
  ReviewPlan plan{"a", std::string(40, '1'), "b", std::string(40, '2'), {}, {}};
  HostInput input{"web-09", {}, {}, {}};
  input.from.emplace("web", rendered_declared(rendered_binary("1.0", 'a')));
  input.to.emplace("web", rendered_declared(rendered_binary("1.1", 'b'), 10, false));
  plan.hosts.push_back(plan_host(input, {}));
  plan.summary = summarize(plan.hosts);
  const std::string text = render_text(plan);
  EXPECT_NE(text.find("rollout 10% (bucket 17): out, this host keeps what it runs"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1 host outside the 10% rollout of web 1.1 keeps what it runs"),
            std::string::npos)
      << text;
}

TEST(ReviewPlanRender, MarkdownStartsWithTheHeadlineThenATableGroupingHosts) {
  const std::string markdown = render_markdown(rollback_plan());
  EXPECT_EQ(markdown.rfind("3 hosts roll back web 1.5.0 → 1.4.2\n\n", 0), 0u) << markdown;
  EXPECT_NE(markdown.find("| Service | Change | From | To | Rollout | Hosts |"), std::string::npos);
  const size_t web = markdown.find(
      "| web | **rollback** (declared earlier (first at 111111111111)) | 1.5.0 `bbbbbbbbbbbb` | "
      "1.4.2 `aaaaaaaaaaaa` | 100% | web-01, web-02, web-03 |");
  const size_t db = markdown.find(
      "| db | unchanged | 2.0 `dddddddddddd` | 2.0 `dddddddddddd` | 100% | web-01, web-02, "
      "web-03 |");
  ASSERT_NE(web, std::string::npos) << markdown;
  ASSERT_NE(db, std::string::npos) << markdown;
  EXPECT_LT(web, db) << "changes come before unchanged rows";
}

TEST(ReviewPlanRender, MarkdownWithoutChanges) {
  ReviewPlan plan{"a", std::string(40, '1'), "b", std::string(40, '2'), {}, {}};
  EXPECT_EQ(render_markdown(plan).rfind("no host changes\n", 0), 0u);
  EXPECT_NE(render_markdown(plan).find("pass --host ID"), std::string::npos);
}

TEST(ReviewPlanRender, JsonHasTheDocumentedShape) {
  const auto json = nlohmann::json::parse(render_json(rollback_plan()));
  EXPECT_EQ(json["format"], "tether.plan/v1");
  EXPECT_EQ(json["from"]["rev"], "v2");
  EXPECT_EQ(json["from"]["commit"], std::string(40, '2'));
  EXPECT_EQ(json["to"]["commit"], std::string(40, '3'));
  EXPECT_EQ(json["headline"], "3 hosts roll back web 1.5.0 → 1.4.2");
  ASSERT_EQ(json["hosts"].size(), 3u);
  const auto& host = json["hosts"][0];
  EXPECT_EQ(host["host"], "web-01");
  EXPECT_EQ(host["labels"]["role"], "web");
  ASSERT_EQ(host["services"].size(), 2u);
  const auto& db = host["services"][0];
  EXPECT_EQ(db["service"], "db");
  EXPECT_EQ(db["change"], "unchanged");
  EXPECT_EQ(db["applies"], false);
  EXPECT_TRUE(db["reason"].is_null());
  const auto& web = host["services"][1];
  EXPECT_EQ(web["change"], "rollback");
  EXPECT_EQ(web["reason"], "declared-earlier");
  EXPECT_EQ(web["declared_at"], std::string(40, '1'));
  EXPECT_EQ(web["from"]["version"], "1.5.0");
  EXPECT_EQ(web["from"]["kind"], "binary");
  EXPECT_EQ(web["to"]["commit"], std::string(40, 'a'));
  EXPECT_EQ(web["to"]["binary_sha256"], std::string(64, 'a'));
  EXPECT_TRUE(web["to"]["image"].is_null());
  EXPECT_TRUE(web["to"]["pinned"].is_null());
  EXPECT_EQ(web["rollout"], (nlohmann::json{{"percent", 100}, {"bucket", 17}, {"included", true}}));
  ASSERT_EQ(json["summary"].size(), 1u);
  const auto& summary = json["summary"][0];
  EXPECT_EQ(summary["change"], "rollback");
  EXPECT_EQ(summary["service"], "web");
  EXPECT_EQ(summary["from"], "1.5.0");
  EXPECT_EQ(summary["to"], "1.4.2");
  EXPECT_EQ(summary["count"], 3);
  EXPECT_EQ(summary["hosts"], (nlohmann::json{"web-01", "web-02", "web-03"}));
}

TEST(ReviewPlanRender, JsonOfANewContainerService) {
  ReviewPlan plan{"a", std::string(40, '1'), "b", std::string(40, '2'), {}, {}};
  ReleaseView image;
  image.kind = ReleaseKind::container;
  image.version = "7.2";
  image.digest = "sha256:" + std::string(64, 'e');
  image.image = "registry.example.com/cache:7.2@" + image.digest;
  HostInput input{"cache-01", {}, {}, {}};
  input.to.emplace("cache", rendered_declared(image));
  plan.hosts.push_back(plan_host(input, {}));
  plan.summary = summarize(plan.hosts);
  const auto json = nlohmann::json::parse(render_json(plan));
  const auto& service = json["hosts"][0]["services"][0];
  EXPECT_EQ(service["change"], "new");
  EXPECT_TRUE(service["from"].is_null());
  EXPECT_EQ(service["to"]["kind"], "container");
  EXPECT_EQ(service["to"]["digest"], image.digest);
  EXPECT_EQ(service["to"]["pinned"], true);
  EXPECT_TRUE(service["to"]["commit"].is_null());
  EXPECT_EQ(json["headline"], "1 host adds cache 7.2@sha256:eeeeeeeeeeee");
}

TEST(ReviewPlanRender, FormatNames) {
  EXPECT_EQ(parse_plan_format("markdown"), PlanFormat::markdown);
  EXPECT_EQ(parse_plan_format("json"), PlanFormat::json);
  EXPECT_EQ(parse_plan_format("text"), PlanFormat::text);
  EXPECT_FALSE(parse_plan_format("yaml"));
}

}  // namespace
}  // namespace tether::review::render_test
