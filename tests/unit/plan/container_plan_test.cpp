// The planner on container services: declared digest + config hash vs what `inspect` says.
#include "model/image_ref.hpp"
#include "plan/planner.hpp"

#include <gtest/gtest.h>

namespace tether {
namespace {

const std::string k_v1 = "r/web:v1@sha256:" + std::string(64, '1');
const std::string k_v2 = "r/web:v2@sha256:" + std::string(64, '2');

DesiredService desired(const std::string& image, const std::string& config_hash = "c0") {
  Service service;
  service.name = "web";
  ContainerSpec spec;
  spec.image = image;
  service.workload = spec;
  return DesiredService{
      service, container_release_id(image, config_hash), {}, "spec-" + image, "fp-" + image};
}

/// What `inspect` shows for a container tether made for `image`.
LiveContainer made_for(const std::string& image, const std::string& config_hash = "c0") {
  const ReleaseId id = container_release_id(image, config_hash);
  return LiveContainer{"tether-web",
                       id.binary_sha256,
                       "image-id",
                       {"sha256:" + std::string(64, '0'), id.binary_sha256},
                       true,
                       "running",
                       {{"tether.service", "web"},
                        {"tether.release", id.binary_sha256},
                        {"tether.config-hash", config_hash},
                        {"tether.image", image}}};
}

Plan plan_for(const DesiredService& want,
              std::optional<LiveContainer> container,
              const std::string& last_good = "") {
  Desired d;
  d.state_commit = std::string(40, 'c');
  d.services.emplace("web", want);
  LiveService live;
  live.name = "web";
  live.container = std::move(container);
  History history;
  if (!last_good.empty()) history["web"].last_good_dir = last_good;
  return make_plan(d, {{"web", live}}, history);
}

TEST(ContainerPlan, TheDeclaredContainerRunningNeedsNothing) {
  const Plan plan = plan_for(desired(k_v1), made_for(k_v1));
  EXPECT_TRUE(plan.empty());
  EXPECT_TRUE(plan.notes.empty());
}

struct Case {
  const char* name;
  DesiredService want;
  std::optional<LiveContainer> live;
  bool applied_before;  ///< the history says this host applied `want` already
  ActionKind kind;
  const char* reason;
};

TEST(ContainerPlan, EachDifferenceBecomesOneRecreation) {
  LiveContainer stopped = made_for(k_v1);
  stopped.running = false;
  stopped.status = "exited";
  LiveContainer foreign = made_for(k_v2);
  foreign.labels.clear();
  LiveContainer other_image = made_for(k_v1);
  other_image.image_digest = "sha256:" + std::string(64, '9');
  other_image.image_digests = {other_image.image_digest};
  const std::vector<Case> cases = {
      {"first install", desired(k_v1), std::nullopt, false, ActionKind::install, "install v1"},
      {"removed by hand", desired(k_v1), std::nullopt, true, ActionKind::repair, "is gone"},
      {"stopped by hand", desired(k_v1), stopped, true, ActionKind::repair, "is exited"},
      {"run by hand", desired(k_v1), foreign, true, ActionKind::repair, "not created by tether"},
      {"other image", desired(k_v1), other_image, true, ActionKind::repair, "runs image sha256:9"},
      {"image bump", desired(k_v2), made_for(k_v1), false, ActionKind::change, "to v2"},
      {"config only", desired(k_v1, "c1"), made_for(k_v1), false, ActionKind::change, "config"},
      {"labels changed by hand",
       desired(k_v1, "c1"),
       made_for(k_v1),
       true,
       ActionKind::repair,
       "other labels"},
  };
  for (const Case& c : cases) {
    const std::string last_good = c.applied_before ? c.want.release.dir_name() : "";
    const Plan plan = plan_for(c.want, c.live, last_good);
    ASSERT_EQ(plan.actions.size(), 1u) << c.name;
    const ServiceAction& action = plan.actions[0];
    EXPECT_EQ(action.kind, c.kind) << c.name << ": " << action.reason;
    EXPECT_TRUE(action.install && action.switch_current) << c.name;
    EXPECT_EQ(action.to, c.want.release) << c.name;
    EXPECT_NE(action.reason.find(c.reason), std::string::npos) << c.name << ": " << action.reason;
    EXPECT_TRUE(plan.prunes.empty()) << c.name;
  }
}

TEST(ContainerPlan, AQuarantinedImageIsNotRetriedAndTheServingOneIsNamed) {
  const DesiredService bad = desired(k_v2);
  Desired d;
  d.services.emplace("web", bad);
  LiveService live;
  live.container = made_for(k_v1);
  History history;
  history["web"].quarantine = Quarantine{
      bad.release.dir_name(), "v2", bad.release.commit, bad.spec_digest, "HTTP 404", "T"};
  const Plan plan = make_plan(d, {{"web", live}}, history);
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.quarantined, std::vector<std::string>{"web"});
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find("serving v1 (1111111111"), std::string::npos) << plan.notes[0];
}

}  // namespace
}  // namespace tether
