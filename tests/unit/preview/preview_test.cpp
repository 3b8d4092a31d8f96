// The pure preview: the ref's plan against live state, drift from the applied commit's plan.
#include "preview/preview.hpp"

#include "preview/preview_render.hpp"

#include <gtest/gtest.h>

namespace tether::preview::preview_test {
namespace {

ReleaseId release(const std::string& version, char commit_digit) {
  return ReleaseId{version, std::string(40, commit_digit), std::string(64, 'b'), "c0"};
}

DesiredService declared(const ReleaseId& id) {
  Service service;
  service.name = "web";
  service.workload = ReleaseSpec{id.version,
                                 id.commit,
                                 {"file:///a.tgz", std::string(64, 'e')},
                                 {"bin/web", id.binary_sha256}};
  service.run = RunSpec{ExecRun{{"bin/web"}, {}, Millis(1000)}};
  service.keep_releases = 5;
  return DesiredService{service, id, {}, "digest-1", "fp-" + id.dir_name()};
}

Desired desired_at(const std::string& commit, const ReleaseId& id) {
  return Desired{commit, {{"web", declared(id)}}, {{"role", "web"}}};
}

/// `web` live on `id`, running; its files modified when `damaged`.
Live live_on(const ReleaseId& id, bool damaged, ProcessState process = ProcessState::running) {
  LiveService live;
  live.name = "web";
  live.installed = {InstalledRelease{
      id.dir_name(), id, "t1", !damaged, damaged ? "binary bin/web was modified" : ""}};
  live.current_dir = id.dir_name();
  live.process = process;
  live.process_release_dir = id.dir_name();
  live.fingerprint = "fp-" + id.dir_name();
  live.serving = ServingRecord{id, live.fingerprint};
  live.serving->spec.run = RunSpec{ExecRun{{"bin/web"}, {}, Millis(1000)}};
  return Live{{"web", live}};
}

PreviewInput input(const ReleaseId& proposed, const ReleaseId& applied, Live live) {
  PreviewInput in;
  in.host = "web-1";
  in.ref = "pr-42";
  in.ref_name = "refs/heads/pr-42";
  in.proposed = desired_at(std::string(40, '2'), proposed);
  in.applied = desired_at(std::string(40, '1'), applied);
  in.live = std::move(live);
  return in;
}

struct DriftCase {
  const char* name;
  bool bump;     ///< the ref declares 1.1.0 (else the applied 1.0.0)
  bool damaged;  ///< the live binary was modified
  ProcessState process;
  const char* action;
  bool drift;
  bool repairs;
};

TEST(Preview, ActionAndDriftPerCase) {
  const ReleaseId v1 = release("1.0.0", 'a');
  const ReleaseId v2 = release("1.1.0", 'b');
  const std::vector<DriftCase> cases = {
      {"bump, clean host", true, false, ProcessState::running, "upgrade", false, false},
      {"bump, modified binary: both", true, true, ProcessState::running, "upgrade", true, true},
      {"no bump, clean host", false, false, ProcessState::running, "none", false, false},
      {"no bump, modified binary: repair",
       false,
       true,
       ProcessState::running,
       "repair",
       true,
       true},
      {"no bump, dead process: restart",
       false,
       false,
       ProcessState::stopped,
       "restart",
       true,
       true},
  };
  for (const DriftCase& c : cases) {
    const Preview preview =
        make_preview(input(c.bump ? v2 : v1, v1, live_on(v1, c.damaged, c.process)));
    ASSERT_EQ(preview.services.size(), 1u) << c.name;
    const ServicePreview& web = preview.services[0];
    EXPECT_EQ(web.action, c.action) << c.name;
    EXPECT_EQ(web.drift, c.drift) << c.name;
    EXPECT_EQ(web.repairs_drift, c.repairs) << c.name;
    EXPECT_EQ(web.live, v1) << c.name;
    EXPECT_EQ(web.desired, c.bump ? v2 : v1) << c.name;
  }
}

TEST(Preview, DriftNamesWhatTheAgentWouldRepair) {
  const ReleaseId v1 = release("1.0.0", 'a');
  const Preview preview = make_preview(input(release("1.1.0", 'b'), v1, live_on(v1, true)));
  EXPECT_EQ(preview.services[0].drift_reason,
            "live release is damaged: binary bin/web was modified");
  EXPECT_EQ(preview.applied_commit, std::string(40, '1'));
  EXPECT_EQ(preview.commit, std::string(40, '2'));
  EXPECT_EQ(preview.labels.at("role"), "web");
}

TEST(Preview, AServiceNotDeclaredAtTheRefIsLeftAsItIs) {
  const ReleaseId v1 = release("1.0.0", 'a');
  PreviewInput in = input(v1, v1, live_on(v1, false));
  in.proposed.services.clear();
  const Preview preview = make_preview(in);
  ASSERT_EQ(preview.services.size(), 1u);
  EXPECT_EQ(preview.services[0].action, "none");
  EXPECT_FALSE(preview.services[0].desired);
  EXPECT_EQ(preview.services[0].reason, "not declared for this host at the ref; left as it is");
}

TEST(Preview, WithoutAnAppliedCommitOnlyTheRefsOwnRepairIsDrift) {
  const ReleaseId v1 = release("1.0.0", 'a');
  PreviewInput in = input(release("1.1.0", 'b'), v1, live_on(v1, true));
  in.applied.reset();
  EXPECT_FALSE(make_preview(in).services[0].drift) << "an upgrade says nothing about drift";
  in.proposed = desired_at(std::string(40, '2'), v1);
  EXPECT_TRUE(make_preview(in).services[0].drift) << "a repair at the ref is drift";
}

TEST(PreviewRender, JsonCarriesTrustAndCounts) {
  const ReleaseId v1 = release("1.0.0", 'a');
  PreviewInput in = input(release("1.1.0", 'b'), v1, live_on(v1, true));
  in.trust.signature = Signature::unsigned_commit;
  in.trust.detail = "verify.allowedSigners is /etc/tether/allowed_signers";
  const auto json = preview_json(make_preview(in));
  EXPECT_EQ(json["format"], "tether.plan-preview/v1");
  EXPECT_EQ(json["trust"]["signature"], "unsigned");
  EXPECT_EQ(json["trust"]["admitted"], false);
  EXPECT_TRUE(json["trust"]["descendsFromApplied"].is_null());
  EXPECT_EQ(json["changes"], 1);
  EXPECT_EQ(json["drifted"], 1);
  EXPECT_EQ(json["services"][0]["desired"]["version"], "1.1.0");
  EXPECT_EQ(json["services"][0]["live"]["text"], v1.short_text());
  const std::string text = preview_text(make_preview(in));
  EXPECT_NE(text.find("the tip is not signed: agents here would refuse it as it is"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("drift: live release is damaged"), std::string::npos) << text;
}

}  // namespace
}  // namespace tether::preview::preview_test
