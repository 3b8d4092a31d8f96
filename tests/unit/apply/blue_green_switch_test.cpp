// The blue-green switch with a fake proxy and fake processes: the order of its steps (start the
// new one beside, gate it on its port, move the proxy, drain and stop the old one), a failed
// gate that never touches the proxy, and the leftovers of an interrupted switch.
#include "apply/switch_marker.hpp"
#include "apply/switch_strategies.hpp"
#include "live/traffic_record.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::blue_green_switch_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// The world the fakes share: what runs in each slot and what the proxy points at.
struct World {
  std::map<PidSlot, ProcessRecord> slots;
  int proxy_port = 18501;
  std::vector<std::string> events;
  bool gate_passes = true;
  bool proxy_fails = false;
  bool drains = true;
  bool proxy_settles = true;
  bool proxy_unreachable = false;
};

const char* slot_name(PidSlot slot) {
  switch (slot) {
    case PidSlot::serving:
      return "serving";
    case PidSlot::candidate:
      return "candidate";
    case PidSlot::retiring:
      return "retiring";
  }
  return "?";
}

class FakeSlots final : public ReleaseSlots {
 public:
  explicit FakeSlots(World& world) : m_world(world) {}
  std::optional<ProcessRecord> running(const DesiredService&, PidSlot slot) const override {
    auto it = m_world.slots.find(slot);
    if (it == m_world.slots.end()) return std::nullopt;
    return it->second;
  }
  Status start_gated(const DesiredService&, const std::string& dir, int port) const override {
    m_world.events.push_back("start " + dir + " on " + std::to_string(port));
    m_world.events.push_back("gate " + std::to_string(port));
    if (!m_world.gate_passes) {
      m_world.events.push_back("stop candidate");
      return Error{"release " + dir + " is unhealthy: 500", ""};
    }
    m_world.slots[PidSlot::candidate] = ProcessRecord{100, 1, dir, "", port};
    return ok_status();
  }
  Status stop(const DesiredService&, PidSlot slot) const override {
    if (m_world.slots.erase(slot) > 0)
      m_world.events.push_back(std::string("stop ") + slot_name(slot));
    return ok_status();
  }
  Status move(const DesiredService&, PidSlot from, PidSlot to) const override {
    m_world.slots[to] = m_world.slots.at(from);
    m_world.slots.erase(from);
    return ok_status();
  }
  bool drain(int port, Millis) const override {
    m_world.events.push_back("drain " + std::to_string(port));
    return m_world.drains;
  }

 private:
  World& m_world;
};

class FakeProxy final : public ProxyDriver {
 public:
  explicit FakeProxy(World& world) : m_world(world) {}
  Result<int> traffic_port() const override {
    if (m_world.proxy_unreachable) return Error{"/run/haproxy/admin.sock: connect: refused", ""};
    return m_world.proxy_port;
  }
  Status send_traffic_to(int port) const override {
    m_world.events.push_back("proxy -> " + std::to_string(port));
    if (m_world.proxy_fails) return Error{"admin socket: connect: No such file or directory", ""};
    m_world.proxy_port = port;
    return ok_status();
  }
  bool settle(Millis) const override {
    m_world.events.push_back("proxy settle");
    return m_world.proxy_settles;
  }
  std::string describe() const override { return "fake proxy"; }

 private:
  World& m_world;
};

struct BlueGreenFixture : ::testing::Test {
  test::TempDir dir;
  Layout layout{dir.path()};
  World world;
  std::unique_ptr<SwitchStrategy> strategy = make_blue_green_switch(
      layout, std::make_unique<FakeSlots>(world), [this](const BlueGreenSpec&) {
        return std::make_unique<FakeProxy>(world);
      });
  DesiredService desired = [] {
    DesiredService d;
    d.service.name = "web";
    d.service.switch_spec.strategy = SwitchStrategyKind::blue_green;
    d.service.switch_spec.blue_green = BlueGreenSpec{{18501, 18502}, "PORT", {}};
    return d;
  }();
  const std::string commit = "c0ffee";

  BlueGreenFixture() {
    for (const char* release : {"1.0.0", "2.0.0"})
      std::filesystem::create_directories(layout.release_dir("web", release));
    world.slots[PidSlot::serving] = ProcessRecord{50, 1, "1.0.0", "", 18501};
  }
  SwitchResult upgrade() {
    return strategy->switch_to(SwitchRequest{desired, "1.0.0", "2.0.0", commit});
  }
  std::string current() const {
    return std::filesystem::read_symlink(layout.current_link("web")).filename().string();
  }
};

// nginx's old workers may still proxy a request to the old port after the port drain saw no
// connection: the old release stops only once the proxy settled, or when drainTimeout is up.
TEST_F(BlueGreenFixture, AProxyThatDoesNotSettleInTimeSkipsThePortDrainButStillStopsTheOld) {
  world.proxy_settles = false;
  const SwitchResult result = upgrade();
  ASSERT_TRUE(result.status) << result.status.error().describe();
  EXPECT_THAT(
      world.events,
      ElementsAre(
          "start 2.0.0 on 18502", "gate 18502", "proxy -> 18502", "proxy settle", "stop retiring"));
  EXPECT_EQ(world.slots.at(PidSlot::serving).release_dir, "2.0.0");
}

TEST_F(BlueGreenFixture, StartsBesideGatesOnItsPortMovesTheProxyThenDrainsAndStopsTheOld) {
  const SwitchResult result = upgrade();
  ASSERT_TRUE(result.status) << result.status.error().describe();
  EXPECT_EQ(result.stage, SwitchStage::gated);
  EXPECT_THAT(world.events,
              ElementsAre("start 2.0.0 on 18502",
                          "gate 18502",
                          "proxy -> 18502",
                          "proxy settle",
                          "drain 18501",
                          "stop retiring"));
  EXPECT_EQ(world.proxy_port, 18502);
  EXPECT_EQ(world.slots.at(PidSlot::serving).release_dir, "2.0.0");
  EXPECT_FALSE(world.slots.contains(PidSlot::candidate));
  EXPECT_EQ(current(), "2.0.0");
}

// Each move of the proxy is recorded for status: during a switch (once the proxy moved, before
// the pid records follow) the record already names the new release.
TEST_F(BlueGreenFixture, RecordsWhereTrafficGoesAtEachMoveOfTheProxy) {
  std::filesystem::create_directories(layout.pid_file("web").parent_path());
  ASSERT_TRUE(upgrade().status);
  auto record = read_traffic_record(traffic_record_file(layout, "web"));
  ASSERT_TRUE(record);
  EXPECT_EQ(record->port, 18502);
  EXPECT_EQ(record->release, "2.0.0");
  EXPECT_EQ(record->proxy, "fake proxy");
  EXPECT_FALSE(record->since.empty());

  world.proxy_fails = true;  // the move back to 1.0.0 fails: the record stays as it was
  EXPECT_FALSE(strategy->switch_to(SwitchRequest{desired, "2.0.0", "1.0.0", commit}).status);
  EXPECT_EQ(read_traffic_record(traffic_record_file(layout, "web"))->port, 18502);
}

TEST_F(BlueGreenFixture, TheNextSwitchGoesBackToTheFirstPort) {
  ASSERT_TRUE(upgrade().status);
  world.events.clear();
  const SwitchResult back = strategy->switch_to(SwitchRequest{desired, "2.0.0", "1.0.0", commit});
  ASSERT_TRUE(back.status);
  EXPECT_THAT(world.events,
              ElementsAre("start 1.0.0 on 18501",
                          "gate 18501",
                          "proxy -> 18501",
                          "proxy settle",
                          "drain 18502",
                          "stop retiring"));
}

TEST_F(BlueGreenFixture, AFailedGateNeverTouchesTheProxyNorTheServingRelease) {
  world.gate_passes = false;
  const SwitchResult result = upgrade();
  EXPECT_EQ(result.stage, SwitchStage::gated);
  ASSERT_FALSE(result.status);
  EXPECT_THAT(result.status.error().message, HasSubstr("unhealthy"));
  EXPECT_THAT(world.events, ElementsAre("start 2.0.0 on 18502", "gate 18502", "stop candidate"));
  EXPECT_EQ(world.proxy_port, 18501);
  EXPECT_EQ(world.slots.at(PidSlot::serving).release_dir, "1.0.0");
  EXPECT_FALSE(std::filesystem::exists(layout.current_link("web")));

  // The applier's fall-back: what serves keeps serving, nothing restarts.
  world.events.clear();
  ASSERT_TRUE(strategy->switch_back(SwitchRequest{desired, "2.0.0", "1.0.0", commit}));
  EXPECT_THAT(world.events, ElementsAre("proxy -> 18501"));
  EXPECT_EQ(current(), "1.0.0");
}

TEST_F(BlueGreenFixture, AProxyThatFailsAbortsWithoutRollbackAndStopsTheCandidate) {
  world.proxy_fails = true;
  const SwitchResult result = upgrade();
  EXPECT_EQ(result.stage, SwitchStage::aborted);
  ASSERT_FALSE(result.status);
  EXPECT_THAT(result.status.error().describe(),
              HasSubstr("traffic not moved to 2.0.0 (port 18502)"));
  EXPECT_THAT(result.status.error().describe(), HasSubstr("admin socket"));
  EXPECT_EQ(world.slots.at(PidSlot::serving).release_dir, "1.0.0");
  EXPECT_FALSE(world.slots.contains(PidSlot::candidate));
  EXPECT_FALSE(std::filesystem::exists(layout.current_link("web")));
}

TEST_F(BlueGreenFixture, AnUnreachableProxyStartsNothing) {
  world.proxy_unreachable = true;
  const SwitchResult result = upgrade();
  EXPECT_EQ(result.stage, SwitchStage::aborted);
  ASSERT_FALSE(result.status);
  EXPECT_THAT(result.status.error().describe(), HasSubstr("/run/haproxy/admin.sock"));
  EXPECT_TRUE(world.events.empty());
  EXPECT_EQ(world.slots.at(PidSlot::serving).release_dir, "1.0.0");
}

TEST_F(BlueGreenFixture, LeftoversOfAnInterruptedSwitchGetTrafficBackBeforeTheyStop) {
  // Killed after the proxy moved to the candidate, before it was promoted.
  world.slots[PidSlot::candidate] = ProcessRecord{100, 1, "2.0.0", "", 18502};
  world.proxy_port = 18502;
  ASSERT_TRUE(upgrade().status);
  EXPECT_THAT(world.events,
              ElementsAre("proxy -> 18501",
                          "stop candidate",
                          "start 2.0.0 on 18502",
                          "gate 18502",
                          "proxy -> 18502",
                          "proxy settle",
                          "drain 18501",
                          "stop retiring"));
}

TEST_F(BlueGreenFixture, KilledAfterPromotionTheRetiringOneStopsAndTrafficStaysOnTheNew) {
  world.slots[PidSlot::serving] = ProcessRecord{100, 1, "2.0.0", "", 18502};
  world.slots[PidSlot::retiring] = ProcessRecord{50, 1, "1.0.0", "", 18501};
  world.proxy_port = 18502;
  // After the restart the marker put `current` back on 1.0.0: the switch is done again.
  ASSERT_TRUE(upgrade().status);
  EXPECT_THAT(world.events,
              ElementsAre("proxy -> 18502",
                          "stop retiring",
                          "start 2.0.0 on 18501",
                          "gate 18501",
                          "proxy -> 18501",
                          "proxy settle",
                          "drain 18502",
                          "stop retiring"));
}

TEST_F(BlueGreenFixture, ARestartOfADeadServiceStartsOnThePortTheProxyDoesNotUse) {
  world.slots.clear();
  const std::optional<Status> restarted =
      strategy->restart(SwitchRequest{desired, "1.0.0", "1.0.0", commit});
  ASSERT_TRUE(restarted.has_value());
  ASSERT_TRUE(*restarted);
  EXPECT_THAT(world.events, ElementsAre("start 1.0.0 on 18502", "gate 18502", "proxy -> 18502"));
  EXPECT_EQ(current(), "1.0.0");
}

TEST_F(BlueGreenFixture, ADrainTimeoutStillStopsTheOldRelease) {
  world.drains = false;
  ASSERT_TRUE(upgrade().status);
  EXPECT_EQ(world.events.back(), "stop retiring");
}

}  // namespace
}  // namespace tether::blue_green_switch_test
