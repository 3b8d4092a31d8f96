#include "report/status_json.hpp"

#include <gtest/gtest.h>

namespace tether::status_json_test {
namespace {

HostReport report_with_live_web() {
  HostReport report;
  report.root = "/var/lib/tether";
  report.state_commit = std::string(40, 'c');
  LiveService web;
  web.name = "web";
  web.current_dir = "1.4.2-aaaaaaaaaaaa-12345678";
  InstalledRelease release;
  release.dir_name = *web.current_dir;
  release.id = ReleaseId{"1.4.2", std::string(40, 'a'), "", ""};
  release.intact = true;
  web.installed = {release};
  web.process = ProcessState::running;
  report.live["web"] = web;
  LiveService old;
  old.name = "legacy";
  report.live["legacy"] = old;
  return report;
}

const nlohmann::json& service(const nlohmann::json& status, const std::string& name) {
  for (const nlohmann::json& s : status.at("services")) {
    if (s.at("service") == name) return s;
  }
  throw std::runtime_error("no service " + name + " in " + status.dump());
}

TEST(StatusJson, WithoutAnAgentItIsTheDiskReportOnly) {
  const nlohmann::json status = status_json(report_with_live_web(), nullptr);
  EXPECT_FALSE(status.contains("host"));
  EXPECT_FALSE(status.contains("lastPass"));
  EXPECT_FALSE(service(status, "web").contains("state"));
  EXPECT_EQ(service(status, "web").at("current").at("version"), "1.4.2");
}

TEST(StatusJson, TheAgentAddsIdentityLastPassAndPerServiceState) {
  AgentStatus agent{
      "web-01", {{"role", "web"}}, std::string(40, 'd'), "2026-11-23T10:00:00Z", "failed", "", {}};
  agent.services["web"] = {{"1.5.0", std::string(40, 'b'), ""}, ServiceState::failed, "HTTP 500"};
  agent.services["api"] = {{"2.0.0", std::string(40, 'e'), ""}, ServiceState::pending, ""};
  const nlohmann::json status = status_json(report_with_live_web(), &agent);

  EXPECT_EQ(status.at("host"), "web-01");
  EXPECT_EQ(status.at("labels").at("role"), "web");
  EXPECT_EQ(status.at("desiredCommit"), std::string(40, 'd'));
  EXPECT_EQ(status.at("tipCommit"), "") << "not set: unknown";
  EXPECT_EQ(status.at("lastPass").at("outcome"), "failed");
  EXPECT_FALSE(status.at("lastPass").contains("problem"));

  const nlohmann::json& web = service(status, "web");
  EXPECT_EQ(web.at("state"), "failed");
  EXPECT_EQ(web.at("desired").at("version"), "1.5.0");
  EXPECT_EQ(web.at("current").at("version"), "1.4.2") << "the previous release still serves";
  EXPECT_EQ(web.at("lastError"), "HTTP 500");

  const nlohmann::json& api = service(status, "api");
  EXPECT_TRUE(api.at("current").is_null()) << "declared but not installed yet";
  EXPECT_EQ(api.at("state"), "pending");
  EXPECT_EQ(api.at("installed"), 0);

  const nlohmann::json& legacy = service(status, "legacy");
  EXPECT_EQ(legacy.at("state"), "undeclared");
  EXPECT_TRUE(legacy.at("desired").is_null());

  std::vector<std::string> names;
  for (const nlohmann::json& s : status.at("services")) names.push_back(s.at("service"));
  EXPECT_EQ(names, (std::vector<std::string>{"api", "legacy", "web"})) << "sorted by name";
}

TEST(StatusJson, BeforeTheFirstPassLastPassIsNullAndProblemsAreSaid) {
  AgentStatus agent{"web-01", {}, "", "", "", "", {}};
  EXPECT_TRUE(status_json(HostReport{}, &agent).at("lastPass").is_null());
  agent.pass_time = "2026-11-23T10:00:00Z";
  agent.outcome = "refused";
  agent.problem = "state commit abc refused: services/web.yaml:3: ...";
  EXPECT_EQ(status_json(HostReport{}, &agent).at("lastPass").at("problem"), agent.problem);
}

}  // namespace
}  // namespace tether::status_json_test
