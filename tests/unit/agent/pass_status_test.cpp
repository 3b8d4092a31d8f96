#include "agent/pass_status.hpp"

#include <gtest/gtest.h>

namespace tether::pass_status_test {
namespace {

DesiredService binary_service(const std::string& name, const std::string& version) {
  DesiredService s;
  s.service.name = name;
  s.service.workload = ReleaseSpec{version, std::string(40, 'a'), {}, {}};
  s.release.version = version;
  s.release.commit = std::string(40, 'a');
  return s;
}

DesiredService container_service(const std::string& name, const std::string& image) {
  DesiredService s;
  s.service.name = name;
  ContainerSpec container;
  container.image = image;
  s.service.workload = container;
  return s;
}

PassResult pass_with(std::initializer_list<DesiredService> services) {
  PassResult pass;
  pass.state_commit = std::string(40, 'c');
  Desired desired;
  desired.state_commit = pass.state_commit;
  desired.host_labels = {{"role", "web"}};
  for (const DesiredService& s : services) desired.services[s.service.name] = s;
  pass.desired = desired;
  return pass;
}

TEST(PassStatus, EachServiceGetsTheStateItsPassLeftItIn) {
  PassResult pass = pass_with({binary_service("web", "1.4.2"),
                               binary_service("api", "2.0.0"),
                               binary_service("db", "9.6"),
                               binary_service("cache", "7.0"),
                               container_service("proxy", "nginx@sha256:" + std::string(64, 'f'))});
  pass.converged = {
      {"web", true}, {"api", false}, {"db", false}, {"cache", false}, {"proxy", true}};
  pass.errors = {{"api", "health check failed: HTTP 500"}};
  pass.plan.quarantined = {"db"};
  const AgentStatus status = status_of(pass, {"web-01", {{"role", "from-config"}}}, "T");

  EXPECT_EQ(status.host, "web-01");
  EXPECT_EQ(status.labels.at("role"), "web") << "the labels the pass selected with win";
  EXPECT_EQ(status.desired_commit, std::string(40, 'c'));
  EXPECT_EQ(status.outcome, "converged");
  EXPECT_EQ(status.pass_time, "T");
  EXPECT_EQ(status.services.at("web").state, ServiceState::converged);
  EXPECT_EQ(status.services.at("web").desired.version, "1.4.2");
  EXPECT_EQ(status.services.at("api").state, ServiceState::failed);
  EXPECT_EQ(status.services.at("api").error, "health check failed: HTTP 500");
  EXPECT_EQ(status.services.at("db").state, ServiceState::quarantined);
  EXPECT_EQ(status.services.at("cache").state, ServiceState::pending);
  EXPECT_EQ(status.services.at("proxy").desired.image, "nginx@sha256:" + std::string(64, 'f'));
  EXPECT_TRUE(status.services.at("proxy").desired.version.empty());
}

TEST(PassStatus, BlockedDegradedFailingAndRecoveredServicesSayWhy) {
  PassResult pass = pass_with({binary_service("a", "1.0.0"),
                               binary_service("b", "1.0.0"),
                               binary_service("c", "1.0.0"),
                               binary_service("d", "1.0.0")});
  pass.converged = {{"a", false}, {"b", false}, {"c", false}, {"d", true}};
  ServiceAction install;
  install.service = "b";
  pass.blocked = {BlockedService{install, "a", "waiting for a: its last change failed: HTTP 500"}};
  ServiceAction restart;
  restart.service = "c";
  restart.kind = ActionKind::restart;
  restart.reason = "process is not running";
  pass.plan.delayed = {DelayedAction{restart, Millis(3000), 2}};
  pass.failing = {{"a", "HTTP 500"}};
  pass.recovered_at = {{"d", "2026-11-23T18:00:00.000Z"}};
  const AgentStatus status = status_of(pass, {"web-01", {}}, "T");

  EXPECT_EQ(status.services.at("a").state, ServiceState::failed);
  EXPECT_EQ(status.services.at("a").error, "HTTP 500");
  EXPECT_EQ(status.services.at("b").state, ServiceState::blocked);
  EXPECT_EQ(status.services.at("b").blocked_on, "a");
  EXPECT_EQ(status.services.at("b").reason, "waiting for a: its last change failed: HTTP 500");
  EXPECT_EQ(status.services.at("c").state, ServiceState::degraded);
  EXPECT_EQ(status.services.at("c").reason,
            "restart backed off for another 3s: process is not running (2 in a row)");
  EXPECT_EQ(status.services.at("d").state, ServiceState::converged);
  EXPECT_EQ(status.services.at("d").recovered_at, "2026-11-23T18:00:00.000Z");
  EXPECT_EQ(to_string(ServiceState::blocked), std::string("blocked"));
  EXPECT_EQ(to_string(ServiceState::degraded), std::string("degraded"));
}

TEST(PassStatus, AnUnreachablePassWithoutStateKeepsTheAgentsIdentityAndSaysWhy) {
  PassResult pass;
  pass.outcome = PassOutcome::unreachable;
  pass.problem = "cannot reach git://nowhere/state.git";
  const AgentStatus status = status_of(pass, {"web-02", {{"role", "web"}}}, "T");
  EXPECT_EQ(status.host, "web-02");
  EXPECT_EQ(status.labels.at("role"), "web");
  EXPECT_EQ(status.outcome, "unreachable");
  EXPECT_EQ(status.problem, "cannot reach git://nowhere/state.git");
  EXPECT_TRUE(status.services.empty());
}

TEST(PassStatus, ARefusedTipIsReportedBesideTheCommitKept) {
  PassResult pass = pass_with({binary_service("web", "1.4.2")});
  pass.outcome = PassOutcome::refused;
  pass.problem = "state commit ffffffffffff refused: services/web.yaml:3: bad";
  pass.tip_commit = std::string(40, 'f');
  pass.converged["web"] = true;
  const AgentStatus status = status_of(pass, {"web-01", {}}, "T");
  EXPECT_EQ(status.outcome, "refused");
  EXPECT_EQ(status.desired_commit, std::string(40, 'c')) << "the last good commit";
  EXPECT_EQ(status.tip_commit, std::string(40, 'f'));
  EXPECT_EQ(status.services.at("web").state, ServiceState::converged)
      << "the service runs what the kept commit declares; the host is what is not converged";
}

}  // namespace
}  // namespace tether::pass_status_test
