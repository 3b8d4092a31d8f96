// The container blue-green switch's order of steps against a fake engine and a fake proxy:
// the candidate starts beside the serving container on the other port and is gated there,
// traffic moves only after that, and a switch a crash interrupted is settled around what the
// proxy sends clients to. tests/e2e/container_blue_green_test.cpp runs it with podman and
// HAProxy.
#include "apply/container_blue_green.hpp"

#include "fake_clock.hpp"
#include "fake_container_engine.hpp"
#include "fake_prober.hpp"
#include "live/traffic_record.hpp"
#include "model/image_ref.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::container_blue_green_test {
namespace {

const std::string k_bg_v1 = "r/web:v1@sha256:" + std::string(64, '1');
const std::string k_bg_v2 = "r/web:v2@sha256:" + std::string(64, '2');

/// The proxy as a port and a log of its moves.
struct ProxyState {
  int port = 18501;
  std::vector<int> moves;
  bool refuses = false;  ///< every move fails (the admin socket went away)
};

class ContainerFakeProxy final : public ProxyDriver {
 public:
  explicit ContainerFakeProxy(ProxyState& state) : m_state(state) {}
  Result<int> traffic_port() const override { return m_state.port; }
  Status send_traffic_to(int port) const override {
    m_state.moves.push_back(port);
    if (m_state.refuses) return Error{"admin.sock: connect: No such file or directory", ""};
    m_state.port = port;
    return ok_status();
  }
  std::string describe() const override { return "fake proxy"; }

 private:
  ProxyState& m_state;
};

DesiredService blue_green_web(const std::string& image) {
  Service service;
  service.name = "web";
  ContainerSpec spec;
  spec.image = image;
  spec.ports = {"8080"};
  service.workload = spec;
  HealthSpec health;
  health.probe = HttpProbe{"http://127.0.0.1:80/healthz", 200, ""};
  health.deadline = Millis(3000);
  service.health = health;
  service.switch_spec.strategy = SwitchStrategyKind::blue_green;
  service.switch_spec.blue_green =
      BlueGreenSpec{{18501, 18502}, "PORT", HaproxyTarget{"/run/admin.sock", "app", "live"}};
  return DesiredService{service, container_release_id(image, "c0"), {}, "spec", "fp-" + image};
}

/// A running container of `image` published at `port`, as an earlier switch left it.
LiveContainer on_port(const std::string& name, const std::string& image, int port) {
  LiveContainer container;
  container.name = name;
  container.running = true;
  container.status = "running";
  container.labels = {{k_label_service, "web"},
                      {k_label_image, image},
                      {k_label_config_hash, "c0"},
                      {k_label_fingerprint, "fp-" + image},
                      {k_label_port, std::to_string(port)}};
  return container;
}

class ContainerBlueGreenTest : public ::testing::Test {
 protected:
  ContainerBlueGreenTest() {
    auto engine = std::make_unique<test::FakeContainerEngine>();
    m_engine = engine.get();
    ContainerEngines::Engines engines;
    engines.emplace(ContainerRuntime::podman, std::move(engine));
    m_engines.emplace(std::move(engines), ContainerRuntime::podman);
    m_switcher.emplace(Layout{m_root.path()}, *m_engines, m_prober, m_clock);
    m_blue_green.emplace(
        Layout{m_root.path()},
        *m_switcher,
        [this](const BlueGreenSpec&) { return std::make_unique<ContainerFakeProxy>(m_proxy); },
        [this](int port, Millis) {
          m_drained.push_back(port);
          return true;
        });
  }

  [[nodiscard]] std::string image_of(const std::string& name) const {
    const auto it = m_engine->containers().find(name);
    return it == m_engine->containers().end() ? "" : label_of(it->second, k_label_image);
  }
  [[nodiscard]] std::string port_of(const std::string& name) const {
    const auto it = m_engine->containers().find(name);
    return it == m_engine->containers().end() ? "" : label_of(it->second, k_label_port);
  }

  test::TempDir m_root;
  test::FakeProber m_prober;
  test::FakeClock m_clock;
  ProxyState m_proxy;
  std::vector<int> m_drained;
  test::FakeContainerEngine* m_engine = nullptr;
  std::optional<ContainerEngines> m_engines;
  std::optional<ContainerSwitcher> m_switcher;
  std::optional<ContainerBlueGreen> m_blue_green;
};

TEST_F(ContainerBlueGreenTest, TheCandidateIsGatedBesideThenTakesTrafficAndTheName) {
  m_engine->add(on_port("tether-web", k_bg_v1, 18501));
  const auto result =
      m_blue_green->converge(blue_green_web(k_bg_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::converged);
  EXPECT_EQ(m_engine->calls(),
            (std::vector<std::string>{"pull " + k_bg_v2,
                                      "run tether-web-next",
                                      "stop tether-web",
                                      "remove tether-web",
                                      "rename tether-web-next tether-web"}));
  EXPECT_EQ(m_proxy.moves, (std::vector<int>{18502}));
  EXPECT_EQ(m_drained, (std::vector<int>{18501})) << "the old one drained before it stopped";
  EXPECT_EQ(image_of("tether-web"), k_bg_v2);
  EXPECT_EQ(port_of("tether-web"), "18502");
  EXPECT_GT(m_prober.m_calls, 0) << "gated";
  // A container service has no run directory before: the record makes it.
  const auto record = read_traffic_record(traffic_record_file(Layout{m_root.path()}, "web"));
  ASSERT_TRUE(record) << "status reads where traffic goes from it";
  EXPECT_EQ(record->port, 18502);
}

TEST_F(ContainerBlueGreenTest, ACandidateThatFailsItsGateNeverGetsTrafficAndTheOldOneKeepsRunning) {
  m_engine->add(on_port("tether-web", k_bg_v1, 18501));
  // The gate probes the candidate's own port, not the one the manifest names.
  m_prober.sicken("http://127.0.0.1:18502/healthz");
  const auto result =
      m_blue_green->converge(blue_green_web(k_bg_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::rolled_back);
  ASSERT_TRUE(result.previous);
  EXPECT_EQ(*result.previous, container_release_id(k_bg_v1, "c0"));
  EXPECT_TRUE(result.restored);
  EXPECT_TRUE(m_proxy.moves.empty());
  EXPECT_EQ(m_engine->calls(),
            (std::vector<std::string>{
                "pull " + k_bg_v2, "run tether-web-next", "remove tether-web-next"}));
  EXPECT_EQ(image_of("tether-web"), k_bg_v1);
}

TEST_F(ContainerBlueGreenTest, AFailedRestartLeavesTheServingOneUnchangedAndAFirstStartDown) {
  m_engine->add(on_port("tether-web", k_bg_v1, 18501));
  m_prober.sicken("http://127.0.0.1:18502/healthz");
  EXPECT_EQ(m_blue_green->converge(blue_green_web(k_bg_v1), "s1", ContainerSwitchMode::replace).end,
            ContainerSwitchEnd::unchanged);
  EXPECT_EQ(image_of("tether-web"), k_bg_v1);

  ASSERT_TRUE(m_engine->remove("tether-web"));
  m_proxy.port = 18501;
  EXPECT_EQ(m_blue_green->converge(blue_green_web(k_bg_v1), "s1", ContainerSwitchMode::replace).end,
            ContainerSwitchEnd::down);
}

TEST_F(ContainerBlueGreenTest, ACrashAfterTheGateIsSettledAroundTheOneTheProxyServes) {
  // Killed at container-blue-green-gated: the candidate passed but has no clients.
  m_engine->add(on_port("tether-web", k_bg_v1, 18501));
  m_engine->add(on_port("tether-web-next", k_bg_v2, 18502));
  const auto result =
      m_blue_green->converge(blue_green_web(k_bg_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::converged);
  ASSERT_GE(m_engine->calls().size(), 2u);
  EXPECT_EQ(m_engine->calls()[1], "remove tether-web-next") << "the leftover goes first";
  EXPECT_EQ(m_proxy.moves, (std::vector<int>{18502}));
  EXPECT_EQ(image_of("tether-web"), k_bg_v2);
  EXPECT_EQ(m_engine->containers().size(), 1u);
}

TEST_F(ContainerBlueGreenTest, ACrashAfterTrafficMovedKeepsTheNewOneWithoutAnotherSwitch) {
  // Killed at container-blue-green-traffic-moved (or between the removal and the rename).
  m_engine->add(on_port("tether-web", k_bg_v1, 18501));
  m_engine->add(on_port("tether-web-next", k_bg_v2, 18502));
  m_proxy.port = 18502;
  const auto result =
      m_blue_green->converge(blue_green_web(k_bg_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::converged);
  EXPECT_EQ(m_engine->calls(),
            (std::vector<std::string>{
                "pull " + k_bg_v2, "remove tether-web", "rename tether-web-next tether-web"}));
  EXPECT_EQ(m_drained, (std::vector<int>{18501}));
  EXPECT_TRUE(m_proxy.moves.empty());
  EXPECT_EQ(image_of("tether-web"), k_bg_v2);
}

TEST_F(ContainerBlueGreenTest, AProxyThatWillNotMoveChangesNothingAndIsNotTheImagesFault) {
  m_engine->add(on_port("tether-web", k_bg_v1, 18501));
  m_proxy.refuses = true;
  const auto result =
      m_blue_green->converge(blue_green_web(k_bg_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::unchanged) << "no rollback, no quarantine";
  ASSERT_TRUE(result.failure);
  EXPECT_NE(result.failure->message.find("admin.sock"), std::string::npos);
  EXPECT_EQ(image_of("tether-web"), k_bg_v1);
  EXPECT_EQ(m_engine->containers().size(), 1u) << "the candidate was removed";
  EXPECT_EQ(m_proxy.port, 18501);
}

}  // namespace
}  // namespace tether::container_blue_green_test
