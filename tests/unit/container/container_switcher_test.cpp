// The container switch's order of steps against a fake engine: what it parks, starts, removes
// and restores, and what it leaves alone when an early step fails. The real engines run the
// same switch in tests/e2e (container_*_test.cpp).
#include "container/container_switcher.hpp"

#include "container/container_record.hpp"
#include "fake_clock.hpp"
#include "fake_container_engine.hpp"
#include "fake_prober.hpp"
#include "model/image_ref.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::container_switcher_test {
namespace {

const std::string k_v1 = "r/web:v1@sha256:" + std::string(64, '1');
const std::string k_v2 = "r/web:v2@sha256:" + std::string(64, '2');
const std::string k_health_url = "http://127.0.0.1:8080/healthz";

DesiredService declared(const std::string& image) {
  Service service;
  service.name = "web";
  ContainerSpec spec;
  spec.image = image;
  service.workload = spec;
  HealthSpec health;
  health.probe = HttpProbe{k_health_url, 200, ""};
  health.deadline = Millis(3000);
  service.health = health;
  return DesiredService{service, container_release_id(image, "c0"), {}, "spec", "fp-" + image};
}

/// A running tether-web that tether made for `image`.
LiveContainer serving(const std::string& image) {
  LiveContainer container;
  container.name = "tether-web";
  container.running = true;
  container.status = "running";
  container.labels = {{k_label_service, "web"},
                      {k_label_image, image},
                      {k_label_config_hash, "c0"},
                      {k_label_release, parse_image_ref(image).digest}};
  return container;
}

class ContainerSwitcherTest : public ::testing::Test {
 protected:
  ContainerSwitcherTest() {
    auto engine = std::make_unique<test::FakeContainerEngine>();
    m_engine = engine.get();
    ContainerEngines::Engines engines;
    engines.emplace(ContainerRuntime::podman, std::move(engine));
    m_engines.emplace(std::move(engines), ContainerRuntime::podman);
    m_switcher.emplace(Layout{m_root.path()}, *m_engines, m_prober, m_clock);
  }

  [[nodiscard]] std::string image_of(const std::string& name) const {
    const auto it = m_engine->containers().find(name);
    return it == m_engine->containers().end() ? "" : label_of(it->second, k_label_image);
  }

  test::TempDir m_root;
  test::FakeProber m_prober;
  test::FakeClock m_clock;
  test::FakeContainerEngine* m_engine = nullptr;
  std::optional<ContainerEngines> m_engines;
  std::optional<ContainerSwitcher> m_switcher;
};

TEST_F(ContainerSwitcherTest, AHealthyNewContainerReplacesTheParkedOne) {
  m_engine->add(serving(k_v1));
  const auto result =
      m_switcher->converge(declared(k_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::converged);
  EXPECT_FALSE(result.failure);
  EXPECT_EQ(m_engine->calls(),
            (std::vector<std::string>{"pull " + k_v2,
                                      "stop tether-web",
                                      "rename tether-web tether-web-prev",
                                      "run tether-web",
                                      "remove tether-web-prev"}));
  EXPECT_EQ(m_engine->containers().size(), 1u);
  EXPECT_EQ(image_of("tether-web"), k_v2);
  const auto record = read_container_record(Layout{m_root.path()}, "web");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->image, k_v2);
  EXPECT_EQ(record->state_commit, "s2");
}

TEST_F(ContainerSwitcherTest, AnUnhealthyNewContainerGivesWayToTheParkedOne) {
  m_engine->add(serving(k_v1));
  m_prober.sicken(k_health_url);
  const auto result =
      m_switcher->converge(declared(k_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::rolled_back);
  ASSERT_TRUE(result.failure);
  EXPECT_NE(result.failure->message.find("unhealthy"), std::string::npos)
      << result.failure->message;
  EXPECT_TRUE(result.restored);
  EXPECT_EQ(result.previous, container_release_id(k_v1, "c0"));
  // The parked container serves again before the failed one is cleaned up.
  const std::vector<std::string> restore = {"stop tether-web",
                                            "start tether-web-prev",
                                            "remove tether-web",
                                            "rename tether-web-prev tether-web"};
  const auto& calls = m_engine->calls();
  ASSERT_GE(calls.size(), restore.size());
  EXPECT_EQ(std::vector<std::string>(calls.end() - 4, calls.end()), restore);
  EXPECT_EQ(m_engine->containers().size(), 1u);
  EXPECT_EQ(image_of("tether-web"), k_v1);
  EXPECT_TRUE(m_engine->containers().at("tether-web").running);
  EXPECT_FALSE(read_container_record(Layout{m_root.path()}, "web"));
}

TEST_F(ContainerSwitcherTest, AFailedPullLeavesTheServingContainerAlone) {
  m_engine->add(serving(k_v1));
  m_engine->refuse_pull(k_v2);
  const auto result =
      m_switcher->converge(declared(k_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::unchanged);
  EXPECT_TRUE(result.failure);
  EXPECT_EQ(m_engine->calls(), (std::vector<std::string>{"pull " + k_v2}));
  EXPECT_EQ(image_of("tether-web"), k_v1);
  EXPECT_TRUE(m_engine->containers().at("tether-web").running);
}

TEST_F(ContainerSwitcherTest, AContainerTetherDidNotMakeIsNotReturnedTo) {
  LiveContainer by_hand = serving(k_v1);
  by_hand.labels.clear();
  m_engine->add(by_hand);
  m_prober.sicken(k_health_url);
  const auto result =
      m_switcher->converge(declared(k_v2), "s2", ContainerSwitchMode::with_rollback);
  EXPECT_EQ(result.end, ContainerSwitchEnd::down);
  EXPECT_EQ(m_engine->calls().front(), "pull " + k_v2);
  EXPECT_EQ(m_engine->calls().at(1), "remove tether-web") << "drift goes, it is not parked";
}

TEST_F(ContainerSwitcherTest, RemovingAServiceStopsThenRemovesBothContainers) {
  m_engine->add(serving(k_v1));
  LiveContainer parked = serving(k_v1);
  parked.name = "tether-web-prev";
  parked.running = false;
  m_engine->add(parked);
  EXPECT_TRUE(m_switcher->remove_service("web", ContainerRuntime::docker))
      << "a runtime without an engine of its own gets the default's";
  EXPECT_EQ(
      m_engine->calls(),
      (std::vector<std::string>{"stop tether-web", "remove tether-web", "remove tether-web-prev"}));
  EXPECT_TRUE(m_engine->containers().empty());
}

}  // namespace
}  // namespace tether::container_switcher_test
