// Rollback drills (#23) on /metrics: the last drill of each service, by phase, kept by a pass
// that reuses the last one.
#include "api/metrics.hpp"

#include <gtest/gtest.h>

namespace tether::drill_metrics_test {
namespace {

TEST(DrillMetrics, TheLastDrillOfEachServiceByPhaseWithItsTimeAndVerdict) {
  PassMetrics pass;
  pass.state_commit = std::string(40, 'c');
  pass.drills = {{"web", DrillRecord{"2026-12-07T05:00:00.000Z", 1'796'000'000, true, 1.5, 0.75}},
                 {"db", DrillRecord{"2026-12-07T04:00:00.000Z", 1'795'996'400, false, 4, 2}}};
  Metrics metrics;
  metrics.record(pass);
  metrics.record_repeat(PassMetrics{});
  const std::string text = metrics.render();
  for (const char* line : {"tether_drill_seconds{service=\"web\",phase=\"rollback\"} 1.5\n",
                           "tether_drill_seconds{service=\"web\",phase=\"return\"} 0.75\n",
                           "tether_drill_timestamp_seconds{service=\"web\"} 1796000000\n",
                           "tether_drill_success{service=\"web\"} 1\n",
                           "tether_drill_success{service=\"db\"} 0\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

}  // namespace
}  // namespace tether::drill_metrics_test
