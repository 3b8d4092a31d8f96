// Applier's other actions through its seams: repair of a damaged release, restart, reconfigure
// (with its rollback to the serving settings), removal, and failures that repeat.
#include "applier_fixture.hpp"
#include "core/files.hpp"
#include "live/serving_record.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::applier_change_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ApplierChange, ADamagedReleaseIsRepairedInPlace) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  const auto binary = f.layout.release_dir("web", v1.release.dir_name()) / "bin" / "web";
  ASSERT_TRUE(write_file_atomic(binary, "tampered\n"));

  const auto outcomes = f.converge(f.desired_of({v1}));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].kind, ActionKind::repair);
  EXPECT_TRUE(outcomes[0].ok) << outcomes[0].error;
  EXPECT_EQ(read_file(binary).value_or(""), test::release_binary("web", "1.0.0"));
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "repair ok"));
  EXPECT_EQ(f.systemctl.calls("restart").size(), 2u);
}

TEST(ApplierChange, AnUnhealthyServiceIsRestartedWithWhatServes) {
  test::ApplierFixture f;
  const DesiredService v1 = f.web("1.0.0");
  const Desired desired = f.desired_of({v1});
  ASSERT_TRUE(f.converge(desired).at(0).ok);
  Conditions conditions;
  conditions["web"].unhealthy = "HTTP 500 (3 in a row)";
  const Live live = f.live();
  const Plan plan = make_plan(desired, live, f.history(), conditions);

  const auto outcomes = f.applier.apply(plan, desired, live);

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].kind, ActionKind::restart);
  EXPECT_TRUE(outcomes[0].ok) << outcomes[0].error;
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "restart ok"));
  EXPECT_EQ(f.journal().back().reason, "unhealthy: HTTP 500 (3 in a row)");
}

TEST(ApplierChange, NewSettingsThatFailTheirGateGoBackToTheServingSettings) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  DesiredService moved = v1;
  std::get<HttpProbe>(moved.service.health->probe).url = "http://127.0.0.1:2/healthz";
  moved.fingerprint = fingerprint_of(runtime_spec_of(moved.service, moved.release));
  moved.spec_digest = "moved";
  f.prober.sicken("http://127.0.0.1:2/healthz");

  const auto outcomes = f.converge(f.desired_of({moved}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].kind, ActionKind::reconfigure);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_TRUE(outcomes[0].rolled_back);
  EXPECT_THAT(outcomes[0].error, HasSubstr("quarantined the new settings of "));
  EXPECT_THAT(f.journal_lines(),
              ElementsAre("install ok", "reconfigure failed", "auto-rollback ok"));
  EXPECT_EQ(f.current_dir(), v1.release.dir_name());
  EXPECT_EQ(read_serving_record(f.layout, "web")->fingerprint, v1.fingerprint);
  const ServiceHistory history = f.history().at("web");
  ASSERT_TRUE(history.quarantine);
  // The release itself still serves: it is not counted among the failed ones.
  EXPECT_TRUE(history.failed_dirs.empty());
}

TEST(ApplierChange, AFailureThatRepeatsIsJournaledOnceAndItsEndSaysRecovered) {
  test::ApplierFixture f;
  const DesiredService v1 = f.web("1.0.0");
  const auto artifact = f.dir.path() / "artifacts" / "web-1.0.0.tar.gz";
  const auto aside = f.dir.path() / "aside.tar.gz";
  std::filesystem::rename(artifact, aside);  // the artifact server is down
  ASSERT_FALSE(f.converge(f.desired_of({v1})).at(0).ok);
  ASSERT_FALSE(f.converge(f.desired_of({v1})).at(0).ok);
  EXPECT_THAT(f.journal_lines(), ElementsAre("install failed"));
  EXPECT_THAT(f.notifier.kinds(), ElementsAre("error"));

  std::filesystem::rename(aside, artifact);
  const auto outcomes = f.converge(f.desired_of({v1}));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].ok) << outcomes[0].error;
  EXPECT_EQ(f.current_dir(), v1.release.dir_name());
  EXPECT_THAT(f.journal_lines(), ElementsAre("install failed", "install ok"));
  EXPECT_THAT(f.notifier.kinds(), ElementsAre("error", "applied"));
}

TEST(ApplierChange, ARemovedServiceIsStoppedAndItsCurrentLinkGoes) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");

  const auto outcomes = f.converge(f.desired_of({}, "c2"));

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].kind, ActionKind::remove);
  EXPECT_TRUE(outcomes[0].ok) << outcomes[0].error;
  EXPECT_THAT(f.systemctl.calls("stop"),
              ElementsAre(ElementsAre("systemctl", "stop", "web.service")));
  EXPECT_FALSE(std::filesystem::is_symlink(f.layout.current_link("web")));
  EXPECT_FALSE(read_serving_record(f.layout, "web"));
  // Its releases stay: a revert of the removal reinstalls nothing.
  EXPECT_TRUE(std::filesystem::is_directory(f.layout.release_dir("web", v1.release.dir_name())));
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "remove ok"));
  EXPECT_EQ(f.journal().back().from->dir, v1.release.dir_name());
}

TEST(ApplierChange, ARemovalThatCannotStopTheServiceKeepsItAndSaysSoOnce) {
  test::ApplierFixture f;
  const DesiredService v1 = f.serving("1.0.0");
  f.systemctl.fail("stop", 5);

  ASSERT_FALSE(f.converge(f.desired_of({}, "c2")).at(0).ok);
  ASSERT_FALSE(f.converge(f.desired_of({}, "c2")).at(0).ok);

  EXPECT_EQ(f.current_dir(), v1.release.dir_name());
  EXPECT_TRUE(read_serving_record(f.layout, "web"));
  EXPECT_THAT(f.journal_lines(), ElementsAre("install ok", "remove failed"));
}

TEST(ApplierChange, AContainerServiceWithoutARuntimeFailsWithAHint) {
  test::ApplierFixture f;
  DesiredService box;
  box.service.name = "box";
  box.service.workload = ContainerSpec{};
  box.release = ReleaseId{"sha256:" + std::string(64, 'a'), "", "", ""};
  ServiceAction action;
  action.service = "box";
  action.to = box.release;
  action.switch_current = true;
  Plan plan;
  plan.state_commit = "c1";
  plan.actions = {action};

  const auto outcomes = f.applier.apply(plan, f.desired_of({box}), Live{});

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].ok);
  EXPECT_THAT(outcomes[0].error, HasSubstr("started without a container runtime"));
}

}  // namespace
}  // namespace tether::applier_change_test
