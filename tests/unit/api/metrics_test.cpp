#include "api/metrics.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::metrics_test {
namespace {

PassMetrics pass(double pass_seconds, bool poll_failed, int rollbacks) {
  PassMetrics p;
  p.duration_seconds = pass_seconds;
  p.finished_unix_seconds = 1'790'000'000.5;
  p.poll_failed = poll_failed;
  p.rollbacks = rollbacks;
  p.state_commit = std::string(40, 'c');
  p.converged = {{"web", true}, {"db", false}};
  p.quarantined = {{"web", false}, {"db", true}};
  p.live = {{"web", {"1.4.2", std::string(40, 'a')}}, {"odd", {"1.0\"x\\y", "c"}}};
  p.switches = {{"web", "blue-green", SwitchOutcome::switched}};
  return p;
}

TEST(Metrics, CountsPassesRollbacksAndPollErrors) {
  Metrics metrics;
  metrics.record(pass(0.07, false, 0));
  metrics.record(pass(3.0, true, 1));
  const std::string text = metrics.render();
  EXPECT_NE(text.find("tether_reconcile_duration_seconds_bucket{le=\"0.1\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_reconcile_duration_seconds_bucket{le=\"5\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_reconcile_duration_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("\ntether_rollbacks_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("\ntether_git_poll_errors_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("tether_converged{service=\"db\"} 0\n"), std::string::npos);
  // examples/monitoring/tether-alerts.yml: TetherQuarantinePresent.
  EXPECT_NE(text.find("tether_quarantined{service=\"db\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_quarantined{service=\"web\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_service_info{service=\"web\",version=\"1.4.2\",commit=\"" +
                      std::string(40, 'a') + "\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("version=\"1.0\\\"x\\\\y\""), std::string::npos)
      << "label values are escaped: " << text;
}

// `tether fleet status --prometheus` reads these instead of GET /status.
TEST(Metrics, TheHostIdAndEachDeclaredServicesStateAndRelease) {
  Metrics metrics;
  PassMetrics first = pass(0.1, false, 0);
  first.host_id = "web-1";
  first.healthy = {{"web", true}};
  first.declared = {{"web", {"converged", "1.4.2", "abc", ""}},
                    {"db", {"quarantined", "", "", "db@sha256:00"}}};
  metrics.record(first);
  std::string text = metrics.render();
  EXPECT_NE(text.find("tether_agent_info{host_id=\"web-1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_service_state{service=\"web\",state=\"converged\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_desired_release_info{service=\"db\",version=\"\",commit=\"\","
                      "image=\"db@sha256:00\"} 1\n"),
            std::string::npos)
      << text;
  // The health watch moves the state as /status does: converged <-> unhealthy.
  metrics.set_health("web", false);
  text = metrics.render();
  EXPECT_NE(text.find("tether_service_state{service=\"web\",state=\"unhealthy\"} 1\n"),
            std::string::npos)
      << text;
  metrics.set_health("web", true);
  EXPECT_NE(metrics.render().find("tether_service_state{service=\"web\",state=\"converged\"} 1"),
            std::string::npos);
}

/// The value of an unlabelled gauge `name` in `text`, or "" when it is not there.
std::string gauge(const std::string& text, const std::string& name) {
  const size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

// A quiet poll that reused the last pass (agent/quiet_poll) counts as a pass and keeps what
// the last one said of each service.
TEST(Metrics, ARepeatedPassCountsAndKeepsTheServicesOfTheLastOne) {
  Metrics metrics;
  PassMetrics first = pass(0.07, false, 0);
  first.host_id = "web-01";
  first.declared["web"] = DeclaredMetrics{"converged", "1.4.2", std::string(40, 'a'), ""};
  metrics.record(first);
  PassMetrics repeat;
  repeat.duration_seconds = 0.001;
  repeat.poll_failed = true;
  repeat.git_polls = 1;
  repeat.state_commit = std::string(40, 'c');
  metrics.record_repeat(repeat);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("tether_reconcile_duration_seconds_count 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ntether_git_poll_errors_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_converged{service=\"db\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_quarantined{service=\"db\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("service=\"web\""), std::string::npos) << text;
  EXPECT_NE(text.find("tether_service_state{service=\"web\",state=\"converged\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_agent_info{host_id=\"web-01\"} 1\n"), std::string::npos) << text;
}

// tether_switch_total adds up each pass's switches by service, strategy and outcome; a quiet
// poll keeps the traffic port of the last pass.
TEST(Metrics, CountsSwitchesByStrategyAndOutcome) {
  Metrics metrics;
  PassMetrics first = pass(0.1, false, 0);
  first.switches = {{"web", "blue-green", SwitchOutcome::switched},
                    {"db", "restart", SwitchOutcome::failed}};
  first.traffic_port = {{"web", 18502}};
  metrics.record(first);
  PassMetrics second = pass(0.1, false, 1);
  second.switches = {{"web", "blue-green", SwitchOutcome::rolled_back},
                     {"web", "blue-green", SwitchOutcome::switched}};
  second.traffic_port = {{"web", 18501}};
  metrics.record(second);
  PassMetrics repeat;
  metrics.record_repeat(repeat);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("# TYPE tether_switch_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_switch_total{service=\"web\",strategy=\"blue-green\","
                      "outcome=\"switched\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_switch_total{service=\"web\",strategy=\"blue-green\","
                      "outcome=\"rolled_back\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_switch_total{service=\"db\",strategy=\"restart\","
                      "outcome=\"failed\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_traffic_port{service=\"web\"} 18501\n"), std::string::npos) << text;
}

TEST(Metrics, ARefusedTipOrAnUnreachableRepoIsNotAConvergedHost) {
  // #17: every service runs the last good commit, which is not what the branch declares.
  PassMetrics good = pass(0.1, false, 0);
  good.converged = {{"web", true}};
  good.healthy = {{"web", true}};
  good.tip_commit = good.state_commit;
  Metrics metrics;
  metrics.record(good);
  std::string text = metrics.render();
  EXPECT_EQ(gauge(text, "tether_host_converged"), "1") << text;
  EXPECT_EQ(gauge(text, "tether_state_refused"), "0") << text;
  EXPECT_EQ(gauge(text, "tether_state_unreachable"), "0") << text;

  PassMetrics refused = good;
  refused.tip_refused = true;
  refused.tip_commit = std::string(40, 'f');
  metrics.record(refused);
  text = metrics.render();
  EXPECT_EQ(gauge(text, "tether_state_refused"), "1") << text;
  EXPECT_EQ(gauge(text, "tether_host_converged"), "0") << text;
  EXPECT_NE(text.find("tether_state_info{tip=\"" + std::string(40, 'f') + "\",applied=\"" +
                      std::string(40, 'c') + "\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_converged{service=\"web\"} 1\n"), std::string::npos)
      << "the service itself runs what the applied commit declares";

  PassMetrics unreachable = good;
  unreachable.poll_failed = true;
  unreachable.tip_commit.clear();
  metrics.record(unreachable);
  text = metrics.render();
  EXPECT_EQ(gauge(text, "tether_state_unreachable"), "1") << text;
  EXPECT_EQ(gauge(text, "tether_state_refused"), "0") << text;
  EXPECT_EQ(gauge(text, "tether_host_converged"), "0") << text;

  metrics.record(good);
  metrics.set_health("web", false);
  EXPECT_EQ(gauge(metrics.render(), "tether_host_converged"), "0") << "unhealthy between passes";
}

TEST(Metrics, AddsUpWhatPassesCostTheGitServerAndTheDisk) {
  Metrics metrics;
  PassMetrics moved = pass(0.2, false, 0);
  moved.git_polls = 1;
  moved.git_downloads = 1;
  moved.manifests_loaded = true;
  moved.files_hashed = 3;
  PassMetrics quiet = pass(0.01, false, 0);
  quiet.git_polls = 1;
  metrics.record(moved);
  metrics.record(quiet);
  metrics.record(quiet);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("\ntether_git_polls_total 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ntether_git_fetches_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ntether_manifest_loads_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ntether_release_files_hashed_total 3\n"), std::string::npos) << text;
}

TEST(Metrics, PassesPromtoolCheck) {
  if (test::run_command({"/bin/sh", "-c", "command -v promtool"}).exit_code != 0) {
    GTEST_SKIP() << "promtool not installed (scripts/install-deps.sh installs it)";
  }
  Metrics metrics;
  const test::TempDir dir;
  test::write_text(dir / "empty.txt", metrics.render());
  metrics.record(pass(0.3, false, 2));
  test::write_text(dir / "full.txt", metrics.render());
  for (const char* file : {"empty.txt", "full.txt"}) {
    const auto check =
        test::run_command({"/bin/sh", "-c", "promtool check metrics < " + (dir / file).string()});
    EXPECT_EQ(check.exit_code, 0) << file << ": " << check.out << check.err;
  }
}

TEST(Metrics, CountsRecoveriesAndShowsBlockedServices) {
  Metrics metrics;
  PassMetrics first;
  first.recoveries = 1;
  first.blocked = {{"api", true}, {"db", false}};
  metrics.record(first);
  PassMetrics second;
  second.recoveries = 2;
  second.blocked = {{"api", false}};
  metrics.record(second);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("\ntether_recoveries_total 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_blocked{service=\"api\"} 0\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("tether_blocked{service=\"db\"}"), std::string::npos) << "the last pass";
}

}  // namespace
}  // namespace tether::metrics_test
