#include "report/last_pass_file.hpp"

#include "report/host_report.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tether::last_pass_file_test {
namespace {

namespace fs = std::filesystem;

AgentStatus refused(const std::string& time) {
  AgentStatus status;
  status.host = "web-01";
  status.pass_time = time;
  status.outcome = "refused";
  status.problem = "state commit abc refused: services/web.yaml:3: bad \xff byte";
  status.services["web"] = ServiceStatus{{"1.0", "c", ""}, ServiceState::failed, "download failed"};
  status.services["api"] = ServiceStatus{{"2.0", "d", ""}, ServiceState::unhealthy, ""};
  status.desired_commit = std::string(40, 'c');
  status.tip_commit = std::string(40, 'f');
  return status;
}

TEST(LastPassFile, RoundTripsWhatStatusPrints) {
  test::TempDir tmp;
  const Layout layout{tmp.path()};
  LastPassFile(layout).save(refused("2026-11-23T10:00:00.000Z"));
  const auto loaded = LastPassFile(layout).load();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->outcome, "refused");
  EXPECT_EQ(loaded->services.at("web").state, ServiceState::failed);
  EXPECT_EQ(loaded->services.at("api").state, ServiceState::unhealthy) << "not read as pending";
  EXPECT_EQ(loaded->tip_commit, std::string(40, 'f'));
  HashCache hashes;
  const std::string text = report_text(layout, read_host_report(layout, hashes));
  EXPECT_NE(text.find("last pass: refused at 2026-11-23T10:00:00.000Z"), std::string::npos) << text;
  EXPECT_NE(text.find("services/web.yaml:3: bad"), std::string::npos) << "non-UTF-8 is replaced";
  EXPECT_NE(text.find("web FAILED: download failed"), std::string::npos) << text;
  EXPECT_NE(text.find("TIP:      ffffffffffff not applied; converging to cccccccccccc"),
            std::string::npos)
      << text;
}

TEST(LastPassFile, KeepsBlockedDegradedAndRecoveredServicesForStatus) {
  test::TempDir tmp;
  const Layout layout{tmp.path()};
  AgentStatus status;
  status.host = "web-01";
  status.pass_time = "T";
  status.outcome = "converged";
  status.services["api"] =
      ServiceStatus{{}, ServiceState::blocked, "", "db", "waiting for db: its last change failed"};
  status.services["web"] =
      ServiceStatus{{}, ServiceState::degraded, "", "", "restart backed off for another 2s"};
  status.services["db"] =
      ServiceStatus{{}, ServiceState::converged, "", "", "", "2026-11-23T10:00:00Z"};
  LastPassFile(layout).save(status);
  const auto loaded = LastPassFile(layout).load();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->services, status.services);
  HashCache hashes;
  const std::string text = report_text(layout, read_host_report(layout, hashes));
  EXPECT_NE(text.find("api BLOCKED on db: waiting for db: its last change failed"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("web DEGRADED: restart backed off for another 2s"), std::string::npos)
      << text;
  EXPECT_NE(text.find("db recovered at 2026-11-23T10:00:00Z"), std::string::npos) << text;
}

TEST(LastPassFile, WritesOnlyWhenMoreThanTheTimeChanged) {
  test::TempDir tmp;
  const Layout layout{tmp.path()};
  LastPassFile file(layout);
  file.save(refused("t1"));
  file.save(refused("t2"));
  EXPECT_EQ(LastPassFile(layout).load()->pass_time, "t1") << "a daemon does not write every poll";
  AgentStatus converged = refused("t3");
  converged.outcome = "converged";
  file.save(converged);
  EXPECT_EQ(LastPassFile(layout).load()->outcome, "converged");
}

// A pass that reused the last one has its services: they are not compared, the rest is. After
// a save that failed, they are compared again (the file holds an older status).
TEST(LastPassFile, WithTheSameServicesComparesTheRestAndAfterAFailureEverything) {
  test::TempDir tmp;
  const Layout layout{tmp.path()};
  LastPassFile file(layout);
  file.save(refused("t1"));
  AgentStatus unreachable = refused("t2");
  unreachable.outcome = "unreachable";
  file.save(unreachable, /*same_services=*/true);
  EXPECT_EQ(LastPassFile(layout).load()->outcome, "unreachable");

  fs::remove_all(tmp.path() / "state");
  fs::create_directories(tmp.path());
  std::ofstream(tmp.path() / "state") << "a file where the state dir should be\n";
  AgentStatus changed = refused("t3");
  changed.services["web"].state = ServiceState::converged;
  file.save(changed);  // fails: no state dir
  fs::remove(tmp.path() / "state");
  AgentStatus again = changed;
  again.outcome = "unreachable";
  file.save(again, /*same_services=*/true);
  ASSERT_TRUE(LastPassFile(layout).load().has_value());
  EXPECT_EQ(LastPassFile(layout).load()->services.at("web").state, ServiceState::converged)
      << "the services the failed save did not write are written now";
}

}  // namespace
}  // namespace tether::last_pass_file_test
