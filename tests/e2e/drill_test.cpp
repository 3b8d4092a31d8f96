// Issue #23, rollback drills: `tether drill SERVICE` switches to the previous good release and
// back through the health gate, timing both, next to a running agent, and always ends on the
// declared release; with nothing to roll back to it refuses.
#include "agent_fixture.hpp"
#include "pass_counter.hpp"

#include <iostream>

namespace tether::test {
namespace {

using std::chrono::seconds;

class DrillTest : public AgentTest {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "agent log:\n" << daemon_log();
  }
};

TEST_F(DrillTest, ADrillNextToTheAgentTimesBothSwitchesAndEndsOnTheDeclaredRelease) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  ASSERT_NO_FATAL_FAILURE(deploy("2.0.0"));
  const int api = free_port();
  start_daemon("200ms", api);
  ASSERT_TRUE(eventually([&] { return passes_finished(api) >= 1; }, seconds(15)));

  const CommandResult drill = tether({"drill", "hello"});
  ASSERT_EQ(drill.exit_code, 0) << drill.out << drill.err;
  EXPECT_NE(drill.out.find("rollback drill passed: to 1.0.0"), std::string::npos) << drill.out;
  EXPECT_NE(current_release_dir().find("2.0.0"), std::string::npos);

  nlohmann::json drilled;
  for (const nlohmann::json& entry : journal(m_root)) {
    if (entry.value("action", "") == "drill") drilled = entry;
  }
  ASSERT_TRUE(drilled.is_object());
  EXPECT_EQ(drilled.value("result", ""), "ok");
  const std::string reason = drilled.value("reason", "");
  EXPECT_NE(reason.find("to 1.0.0"), std::string::npos) << reason;
  EXPECT_NE(reason.find("back to 2.0.0"), std::string::npos) << reason;
  // The agent held the service while the drill ran, then let go and sees it converged.
  ASSERT_TRUE(eventually(
      [&] {
        const std::string metrics = http_get(api, "/metrics");
        return metrics.find("tether_drill_seconds{service=\"hello\",phase=\"return\"}") !=
                   std::string::npos &&
               metrics.find("tether_converged{service=\"hello\"} 1") != std::string::npos &&
               metrics.find("tether_suspended{service=\"hello\"} 0") != std::string::npos;
      },
      seconds(15)))
      << http_get(api, "/metrics");
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  for (const nlohmann::json& entry : journal(m_root)) {
    EXPECT_NE(entry.value("action", ""), "auto-rollback")
        << "the agent left the drill's switches alone: " << entry.dump();
  }
}

TEST_F(DrillTest, WithoutAPreviousGoodReleaseThereIsNoDrill) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));

  const CommandResult drill = tether({"drill", "hello"});
  EXPECT_EQ(drill.exit_code, 1);
  EXPECT_NE(drill.err.find("no previous good release"), std::string::npos) << drill.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
}

}  // namespace
}  // namespace tether::test
