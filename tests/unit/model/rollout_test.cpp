// The wave schedule: which wave a bucket is in, when it is due, and why a host waits. Time is
// a value here (the "fake clock"): every case names its `now`.
#include "model/rollout.hpp"

#include <gtest/gtest.h>

namespace tether::rollout_test {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

const std::vector<RolloutStep> k_steps = {{5, minutes(10)}, {25, minutes(30)}, {100, Millis(0)}};
const sys_seconds k_start{seconds(1'800'000'000)};

TEST(WaveStatus, BucketsFallIntoTheFirstStepAboveThem) {
  struct Case {
    int bucket;
    int wave;
    int percent;
  };
  for (const Case& c : {Case{0, 0, 5},
                        Case{4, 0, 5},
                        Case{5, 1, 25},
                        Case{24, 1, 25},
                        Case{25, 2, 100},
                        Case{99, 2, 100}}) {
    const WaveStatus s = wave_status(c.bucket, k_steps, k_start, k_start, FleetJudgement{});
    EXPECT_EQ(s.wave, c.wave) << c.bucket;
    EXPECT_EQ(s.percent, c.percent) << c.bucket;
    EXPECT_EQ(s.waves, 3);
  }
}

TEST(WaveStatus, EachWaveIsDueAfterThePausesBeforeIt) {
  struct Case {
    int bucket;
    seconds after_start;
    WaveWait wait;
  };
  for (const Case& c : {Case{0, seconds(0), WaveWait::none},
                        Case{10, seconds(599), WaveWait::pause},
                        Case{10, seconds(600), WaveWait::none},
                        Case{50, seconds(600), WaveWait::pause},
                        Case{50, seconds(2399), WaveWait::pause},
                        Case{50, seconds(2400), WaveWait::none}}) {
    const WaveStatus s =
        wave_status(c.bucket, k_steps, k_start, k_start + c.after_start, FleetJudgement{});
    EXPECT_EQ(s.wait, c.wait) << c.bucket << " at +" << c.after_start.count();
    EXPECT_EQ(s.why.empty(), c.wait == WaveWait::none) << s.why;
  }
  EXPECT_EQ(wave_status(50, k_steps, k_start, k_start, FleetJudgement{}).due_at,
            k_start + minutes(40));
}

TEST(WaveStatus, AWaitingHostSaysItsWaveAndWhenItIsDue) {
  const WaveStatus s = wave_status(
      10, k_steps, k_start, k_start + seconds(60), FleetJudgement{FleetVerdict::holds, ""});
  EXPECT_EQ(s.wait, WaveWait::pause);
  EXPECT_NE(s.why.find("wave 2/3 (25%)"), std::string::npos) << s.why;
  EXPECT_NE(s.why.find("in 9m"), std::string::npos) << s.why;
}

TEST(WaveStatus, TheFirstWaveIsDueEvenWhenTheCommitTimeIsAhead) {
  // A committer whose clock runs ahead must not hold the canaries back.
  const WaveStatus s = wave_status(0, k_steps, k_start, k_start - minutes(60), FleetJudgement{});
  EXPECT_EQ(s.wait, WaveWait::none);
  EXPECT_TRUE(s.start_in_future);
}

TEST(WaveStatus, ACommitTimeBeyondTheSkewBoundIsFlagged) {
  const WaveStatus within =
      wave_status(10, k_steps, k_start, k_start - minutes(4), FleetJudgement{});
  EXPECT_FALSE(within.start_in_future);
  const WaveStatus beyond =
      wave_status(10, k_steps, k_start, k_start - minutes(6), FleetJudgement{});
  EXPECT_TRUE(beyond.start_in_future);
  EXPECT_EQ(beyond.wait, WaveWait::pause);
  EXPECT_NE(beyond.why.find("ahead of this host's clock"), std::string::npos) << beyond.why;
}

TEST(WaveStatus, ABreachHaltsEveryLaterWaveWhateverItsTime) {
  for (int bucket : {5, 30, 99}) {
    const WaveStatus s =
        wave_status(bucket,
                    k_steps,
                    k_start,
                    k_start + minutes(600),
                    FleetJudgement{FleetVerdict::breached, "errors = 0.2, needs < 0.01"});
    EXPECT_EQ(s.wait, WaveWait::halted) << bucket;
    EXPECT_NE(s.why.find("halted"), std::string::npos) << s.why;
    EXPECT_NE(s.why.find("errors = 0.2, needs < 0.01"), std::string::npos) << s.why;
  }
}

TEST(WaveStatus, OneStepIsEveryHostAtOnce) {
  const std::vector<RolloutStep> one = {{100, Millis(0)}};
  const WaveStatus s =
      wave_status(99,
                  one,
                  k_start,
                  k_start,
                  FleetJudgement{FleetVerdict::breached, "errors = 0.2, needs < 0.01"});
  EXPECT_EQ(s.wave, 0);
  EXPECT_EQ(s.wait, WaveWait::none);
}

TEST(WaveStatus, AnAnalysisThatCannotBeMadeHoldsADueWaveOnly) {
  const FleetJudgement unknown{FleetVerdict::unknown, "cannot ask Prometheus"};
  const WaveStatus due = wave_status(10, k_steps, k_start, k_start + minutes(11), unknown);
  EXPECT_EQ(due.wait, WaveWait::analysis);
  EXPECT_NE(due.why.find("cannot ask Prometheus"), std::string::npos) << due.why;
  const WaveStatus early = wave_status(10, k_steps, k_start, k_start + minutes(1), unknown);
  EXPECT_EQ(early.wait, WaveWait::pause);
  EXPECT_EQ(wave_status(0, k_steps, k_start, k_start, unknown).wait, WaveWait::none);
}

TEST(WaveDueTimes, AddThePausesUp) {
  const auto due = wave_due_times(k_steps, k_start);
  const std::vector<sys_seconds> expected = {k_start, k_start + minutes(10), k_start + minutes(40)};
  EXPECT_EQ(due, expected);
}

}  // namespace
}  // namespace tether::rollout_test
