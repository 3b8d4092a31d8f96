// tether_watchdog_misses_total: served from the start (0), counted by the health watch.
#include "api/metrics.hpp"

#include <gtest/gtest.h>

namespace tether::watchdog_metric_test {
namespace {

TEST(WatchdogMetric, CountsEachMissFromZero) {
  Metrics metrics;
  EXPECT_NE(metrics.render().find("\ntether_watchdog_misses_total 0\n"), std::string::npos);
  metrics.count_watchdog_miss();
  metrics.count_watchdog_miss();
  const std::string text = metrics.render();
  EXPECT_NE(text.find("# TYPE tether_watchdog_misses_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ntether_watchdog_misses_total 2\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace tether::watchdog_metric_test
