#include "apply/progress.hpp"

#include <gtest/gtest.h>

namespace tether::progress_test {
namespace {

constexpr std::uint64_t k_mib = 1024 * 1024;

TEST(Progress, HumanUnits) {
  EXPECT_EQ(human_bytes(512), "512 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(12.0 * k_mib), "12.0 MiB");
  EXPECT_EQ(human_eta(14.4), "14s");
  EXPECT_EQ(human_eta(185), "3m05s");
  EXPECT_EQ(human_eta(3720), "1h02m");
  EXPECT_EQ(human_eta(-1), "?");
}

TEST(Progress, BarShowsBytesPercentRateAndEta) {
  // 10 MiB of 40 MiB in 5 s: 2 MiB/s, 30 MiB to go: 15 s.
  const TransferSample s{5.0, 10 * k_mib, 40 * k_mib};
  const std::string bar = render_progress_bar("web-1.4.2.tar.gz", s, 100);
  EXPECT_EQ(bar,
            "web-1.4.2.tar.gz  10.0 MiB / 40.0 MiB [=======>                      ]   25%  "
            "2.0 MiB/s  ETA 15s");
  EXPECT_LE(bar.size(), 100u);
}

TEST(Progress, BarFitsNarrowTerminalsAndUnknownTotals) {
  const TransferSample s{5.0, 10 * k_mib, 40 * k_mib};
  EXPECT_LE(render_progress_bar("web-1.4.2.tar.gz", s, 60).size(), 60u);
  EXPECT_EQ(render_progress_bar("web-1.4.2.tar.gz", s, 40), "10.0 MiB / 40.0 MiB  25%  ETA 15s");
  EXPECT_EQ(render_progress_bar("x.tgz", {2.0, 4 * k_mib, 0}, 80), "x.tgz  4.0 MiB  2.0 MiB/s");
}

TEST(Progress, LogLineForNonTerminals) {
  EXPECT_EQ(render_progress_line("a.tgz", {5.0, 10 * k_mib, 40 * k_mib}),
            "a.tgz: 10.0 MiB of 40.0 MiB (25%), 2.0 MiB/s, ETA 15s");
}

TEST(Progress, ShortTransfersShowNothing) {
  TransferProgress bar(ProgressMode::bar, "a.tgz", 80);
  EXPECT_FALSE(bar.update({0.2, k_mib, 2 * k_mib}));
  EXPECT_FALSE(bar.update({0.9, 2 * k_mib, 2 * k_mib}));
  EXPECT_FALSE(bar.finish({0.95, 2 * k_mib, 2 * k_mib})) << "no bar was drawn: nothing to end";
}

TEST(Progress, BarRedrawsAtMostFiveTimesASecondAndEndsWithTheFinalBar) {
  TransferProgress bar(ProgressMode::bar, "a.tgz", 80);
  EXPECT_TRUE(bar.update({1.0, k_mib, 8 * k_mib}));
  EXPECT_FALSE(bar.update({1.1, k_mib, 8 * k_mib}));
  EXPECT_TRUE(bar.update({1.25, 2 * k_mib, 8 * k_mib}));
  const auto last = bar.finish({2.0, 8 * k_mib, 8 * k_mib});
  ASSERT_TRUE(last);
  EXPECT_NE(last->find("100%"), std::string::npos) << *last;
}

TEST(Progress, LogModeWritesALineEveryTenSeconds) {
  TransferProgress log(ProgressMode::log_lines, "a.tgz", 80);
  int lines = 0;
  for (double t = 0; t < 35; t += 0.1) {
    if (log.update({t, static_cast<std::uint64_t>(t * k_mib), 100 * k_mib})) ++lines;
  }
  EXPECT_EQ(lines, 4);  // at 1 s, 11 s, 21 s, 31 s
  const auto last = log.finish({40.0, 100 * k_mib, 100 * k_mib});
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, "a.tgz: 100.0 MiB of 100.0 MiB (100%), 2.5 MiB/s, ETA 0s in 40s");
}

}  // namespace
}  // namespace tether::progress_test
