// The rollout gate: which services of a desired state a pass holds back for their wave.
#include "plan/rollout_gate.hpp"

#include <gtest/gtest.h>

namespace tether::rollout_gate_test {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

const sys_seconds k_start{seconds(1'800'000'000)};

Desired waved(int bucket) {
  Desired desired;
  desired.state_commit = std::string(40, 'a');
  DesiredService web;
  web.service.name = "web";
  web.release.version = "2.0.0";
  desired.services.emplace("web", web);
  DesiredService db;
  db.service.name = "db";
  desired.services.emplace("db", db);
  WavedService wave;
  wave.bucket = bucket;
  wave.steps = {{10, seconds(60)}, {100, Millis(0)}};
  wave.start = k_start;
  wave.start_commit = std::string(40, 'b');
  desired.waves.emplace("web", wave);
  return desired;
}

TEST(RolloutGate, AHostWhoseWaveWaitsKeepsWhatItRuns) {
  const WaveGate gate = gate_waves(waved(50), k_start + seconds(5), {});
  EXPECT_EQ(gate.desired.services.count("web"), 0u);
  EXPECT_EQ(gate.desired.held_back.count("web"), 1u);
  EXPECT_EQ(gate.desired.services.count("db"), 1u) << "services without waves are untouched";
  ASSERT_EQ(gate.waves.count("web"), 1u);
  EXPECT_EQ(gate.waves.at("web").status.wait, WaveWait::pause);
  EXPECT_EQ(gate.waves.at("web").release.version, "2.0.0");
  EXPECT_EQ(gate.waves.at("web").start_commit, std::string(40, 'b'));
}

TEST(RolloutGate, ADueWaveTakesTheRelease) {
  const Desired desired = waved(50);
  const WaveGate gate = gate_waves(desired, k_start + seconds(60), {});
  EXPECT_EQ(gate.desired, desired);
  EXPECT_EQ(gate.waves.at("web").status.wait, WaveWait::none);
}

TEST(RolloutGate, ABreachHaltsADueWave) {
  const WaveGate gate =
      gate_waves(waved(50),
                 k_start + seconds(600),
                 {{"web", FleetJudgement{FleetVerdict::breached, "errors = 1, needs < 0.1"}}});
  EXPECT_EQ(gate.desired.services.count("web"), 0u);
  EXPECT_EQ(gate.waves.at("web").status.wait, WaveWait::halted);
}

TEST(RolloutGate, TheFirstWaveTakesTheReleaseWhateverTheFleetSays) {
  const WaveGate gate =
      gate_waves(waved(3), k_start, {{"web", FleetJudgement{FleetVerdict::breached, "errors"}}});
  EXPECT_EQ(gate.desired.services.count("web"), 1u);
}

TEST(RolloutGate, TheRolloutIsInProgressUntilTheLastWaveIsDue) {
  const WavedService wave = waved(0).waves.at("web");
  EXPECT_TRUE(rollout_in_progress(wave, k_start + seconds(59)));
  EXPECT_FALSE(rollout_in_progress(wave, k_start + seconds(60)));
}

}  // namespace
}  // namespace tether::rollout_gate_test
