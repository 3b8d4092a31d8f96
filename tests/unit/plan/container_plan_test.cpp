// The planner on container services: the declaration (digest, config hash, settings: the
// fingerprint) vs what `inspect` says and what passed its gate here (the serving record).
#include "model/image_ref.hpp"
#include "plan/planner.hpp"

#include <gtest/gtest.h>

namespace tether::container_plan_test {
namespace {

const std::string k_v1 = "r/web:v1@sha256:" + std::string(64, '1');
const std::string k_v2 = "r/web:v2@sha256:" + std::string(64, '2');

DesiredService desired(const std::string& image,
                       const std::string& config_hash = "c0",
                       const std::string& settings = "") {
  Service service;
  service.name = "web";
  ContainerSpec spec;
  spec.image = image;
  if (!settings.empty()) spec.env = {{"MODE", settings}};
  service.workload = spec;
  const ReleaseId id = container_release_id(image, config_hash);
  const std::string fingerprint = "fp-" + id.binary_sha256 + "/" + config_hash + "/" + settings;
  return DesiredService{service, id, {}, "spec-" + image + settings, fingerprint};
}

/// What `inspect` shows for a container tether made for `want`.
LiveContainer made_for(const DesiredService& want) {
  const ReleaseId& id = want.release;
  return LiveContainer{"tether-web",
                       id.binary_sha256,
                       "image-id",
                       {"sha256:" + std::string(64, '0'), id.binary_sha256},
                       true,
                       "running",
                       {{"tether.service", "web"},
                        {"tether.release", id.binary_sha256},
                        {"tether.config-hash", id.config_hash},
                        {"tether.image", std::get<ContainerSpec>(want.service.workload).image},
                        {"tether.fingerprint", want.fingerprint}},
                       "id-" + want.fingerprint};
}

ServingRecord serving_of(const DesiredService& served) {
  ServingRecord record;
  record.release = served.release;
  record.fingerprint = served.fingerprint;
  record.spec.container = std::get<ContainerSpec>(served.service.workload);
  record.image = record.spec.container->image;
  return record;
}

/// `web` with `container` live and `served` as the last spec that passed its gate.
LiveService live_of(std::optional<LiveContainer> container,
                    const std::optional<DesiredService>& served) {
  LiveService live;
  live.name = "web";
  if (container) {
    const auto label = container->labels.find("tether.fingerprint");
    live.fingerprint = label == container->labels.end() ? "" : label->second;
    live.instance = container->id;
  }
  live.container = std::move(container);
  if (served) live.serving = serving_of(*served);
  return live;
}

Conditions unhealthy_web(const std::string& why) {
  ServiceCondition condition;
  condition.unhealthy = why;
  return {{"web", condition}};
}

Plan plan_for(const DesiredService& want,
              const LiveService& live,
              const History& history = {},
              const Conditions& conditions = {}) {
  Desired d;
  d.state_commit = std::string(40, 'c');
  d.services.emplace("web", want);
  return make_plan(d, {{"web", live}}, history, conditions);
}

TEST(ContainerPlan, TheDeclaredContainerRunningNeedsNothing) {
  const Plan plan = plan_for(desired(k_v1), live_of(made_for(desired(k_v1)), desired(k_v1)));
  EXPECT_TRUE(plan.empty());
  EXPECT_TRUE(plan.notes.empty());
}

TEST(ContainerPlan, ATagBesideTheSameDigestChangesNothing) {
  const std::string retagged = "r/web:v1-final@sha256:" + std::string(64, '1');
  DesiredService want = desired(retagged);
  want.fingerprint = desired(k_v1).fingerprint;  // fingerprint_of() ignores the tag
  EXPECT_TRUE(plan_for(want, live_of(made_for(desired(k_v1)), desired(k_v1))).empty());
}

struct Case {
  const char* name;
  DesiredService want;
  std::optional<LiveContainer> live;
  std::optional<DesiredService> served;  ///< what passed its gate here
  ActionKind kind;
  const char* reason;
};

TEST(ContainerPlan, EachDifferenceBecomesOneRecreation) {
  const DesiredService v1 = desired(k_v1);
  LiveContainer stopped = made_for(v1);
  stopped.running = false;
  stopped.status = "exited";
  LiveContainer paused = made_for(v1);
  paused.running = false;
  paused.status = "paused";
  LiveContainer foreign = made_for(desired(k_v2));
  foreign.labels.clear();
  LiveContainer other_image = made_for(v1);
  other_image.image_digest = "sha256:" + std::string(64, '9');
  other_image.image_digests = {other_image.image_digest};
  LiveContainer relabelled = made_for(v1);
  relabelled.labels["tether.fingerprint"] = "by-hand";
  const std::vector<Case> cases = {
      {"first install", v1, std::nullopt, std::nullopt, ActionKind::install, "install v1"},
      {"removed by hand", v1, std::nullopt, v1, ActionKind::repair, "is gone"},
      {"stopped by hand", v1, stopped, v1, ActionKind::repair, "is exited"},
      {"paused by hand", v1, paused, v1, ActionKind::repair, "is paused"},
      {"run by hand", v1, foreign, v1, ActionKind::repair, "not created by tether"},
      {"other image", v1, other_image, v1, ActionKind::repair, "runs image sha256:9"},
      {"recreated by hand", v1, relabelled, v1, ActionKind::repair, "other settings"},
      {"image bump", desired(k_v2), made_for(v1), v1, ActionKind::change, "to v2"},
      {"config only", desired(k_v1, "c1"), made_for(v1), v1, ActionKind::change, "config"},
      {"env changed", desired(k_v1, "c0", "b"), made_for(v1), v1, ActionKind::reconfigure, ""},
      {"settings never passed the gate",
       v1,
       made_for(v1),
       desired(k_v2),
       ActionKind::reconfigure,
       "never passed"},
  };
  for (const Case& c : cases) {
    const Plan plan = plan_for(c.want, live_of(c.live, c.served));
    ASSERT_EQ(plan.actions.size(), 1u) << c.name;
    const ServiceAction& action = plan.actions[0];
    EXPECT_EQ(action.kind, c.kind) << c.name << ": " << action.reason;
    EXPECT_TRUE(action.install && action.switch_current) << c.name;
    EXPECT_EQ(action.to, c.want.release) << c.name;
    EXPECT_EQ(action.fingerprint, c.want.fingerprint) << c.name;
    EXPECT_EQ(action.spec, SpecSource::declared) << c.name;
    EXPECT_NE(action.reason.find(c.reason), std::string::npos) << c.name << ": " << action.reason;
    EXPECT_TRUE(plan.prunes.empty()) << c.name;
  }
}

TEST(ContainerPlan, AnUnhealthyContainerIsRestarted) {
  const DesiredService v1 = desired(k_v1);
  const Plan plan =
      plan_for(v1, live_of(made_for(v1), v1), {}, unhealthy_web("HTTP 500 from /healthz"));
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].kind, ActionKind::restart);
  EXPECT_NE(plan.actions[0].reason.find("HTTP 500"), std::string::npos);
}

Plan quarantined_plan(const LiveService& live, const Conditions& conditions = {}) {
  const DesiredService bad = desired(k_v2);
  History history;
  history["web"].quarantine = Quarantine{
      bad.release.dir_name(), "v2", bad.release.commit, bad.spec_digest, "HTTP 404", "T"};
  return plan_for(bad, live, history, conditions);
}

TEST(ContainerPlan, AQuarantinedImageIsNotRetriedAndTheServingOneIsNamed) {
  const DesiredService v1 = desired(k_v1);
  const Plan plan = quarantined_plan(live_of(made_for(v1), v1));
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.quarantined, std::vector<std::string>{"web"});
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find("serving v1 (1111111111"), std::string::npos) << plan.notes[0];
}

TEST(ContainerPlan, WhileQuarantinedTheServingContainerIsKeptUp) {
  const DesiredService v1 = desired(k_v1);
  LiveContainer paused = made_for(v1);
  paused.running = false;
  paused.status = "paused";
  for (const auto& [name, live, kind] :
       std::vector<std::tuple<std::string, LiveService, ActionKind>>{
           {"removed", live_of(std::nullopt, v1), ActionKind::repair},
           {"paused", live_of(paused, v1), ActionKind::repair},
       }) {
    const Plan plan = quarantined_plan(live);
    ASSERT_EQ(plan.actions.size(), 1u) << name;
    EXPECT_EQ(plan.actions[0].kind, kind) << name;
    EXPECT_EQ(plan.actions[0].spec, SpecSource::serving) << name;
    EXPECT_EQ(plan.actions[0].to, v1.release) << name;
    EXPECT_EQ(plan.actions[0].fingerprint, v1.fingerprint) << name;
  }
  const Plan unhealthy = quarantined_plan(live_of(made_for(v1), v1), unhealthy_web("HTTP 500"));
  ASSERT_EQ(unhealthy.actions.size(), 1u);
  EXPECT_EQ(unhealthy.actions[0].kind, ActionKind::restart);
  EXPECT_EQ(unhealthy.actions[0].spec, SpecSource::serving);
}

}  // namespace
}  // namespace tether::container_plan_test
