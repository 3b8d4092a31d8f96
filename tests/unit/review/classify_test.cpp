#include "review/classify.hpp"

#include <gtest/gtest.h>

namespace tether::review::classify_test {
namespace {

std::string hex_of(char c, size_t n) { return std::string(n, c); }

ReleaseView binary(const std::string& version, char build, char config = '0') {
  ReleaseView view;
  view.version = version;
  view.commit = hex_of(build, 40);
  view.binary_sha256 = hex_of(build, 64);
  view.artifact_sha256 = hex_of(build, 64);
  view.config_hash = hex_of(config, 64);
  return view;
}

ReleaseView container(const std::string& tag, char digest, char config = '0') {
  ReleaseView view;
  view.kind = ReleaseKind::container;
  view.version = tag;
  view.digest = "sha256:" + hex_of(digest, 64);
  view.image = "registry.example.com/cache:" + tag + "@" + view.digest;
  view.config_hash = hex_of(config, 64);
  return view;
}

DeclaredService declared(const ReleaseView& release, int percent = 100, bool included = true) {
  DeclaredService service;
  service.release = release;
  service.rollout = Rollout{percent, 42, included};
  service.runtime.release = release.identity() + "/" + release.config_hash;
  service.runtime.run = RunSpec{ExecRun{{"bin/web"}, {{"PORT", "80"}}, Millis(1000)}};
  service.fingerprint = "fp-" + service.runtime.release;
  return service;
}

/// The single change of a host that runs `from` and is declared `to` (either may be absent).
ServiceChange change_of(const std::optional<DeclaredService>& from,
                        const std::optional<DeclaredService>& to,
                        const DeclaredHistory& history = {}) {
  HostInput input{"web-01", {{"role", "web"}}, {}, {}};
  if (from) input.from.emplace("web", *from);
  if (to) input.to.emplace("web", *to);
  const HostPlan plan = plan_host(input, history);
  EXPECT_EQ(plan.services.size(), 1u);
  return plan.services.at(0);
}

TEST(ReviewPlanClassify, SameReleaseIsUnchanged) {
  const auto change = change_of(declared(binary("1.4.2", 'a')), declared(binary("1.4.2", 'a')));
  EXPECT_EQ(change.change, ChangeKind::unchanged);
  EXPECT_FALSE(change.applies);
  ASSERT_TRUE(change.from && change.to);
  EXPECT_EQ(change.to->version, "1.4.2");
}

TEST(ReviewPlanClassify, NewAndRemovedServices) {
  const auto added = change_of(std::nullopt, declared(binary("1.0.0", 'a')));
  EXPECT_EQ(added.change, ChangeKind::added);
  EXPECT_STREQ(to_string(added.change), "new");
  EXPECT_TRUE(added.applies);
  EXPECT_FALSE(added.from);

  const auto removed = change_of(declared(binary("1.0.0", 'a')), std::nullopt);
  EXPECT_EQ(removed.change, ChangeKind::removed);
  EXPECT_TRUE(removed.applies);
  EXPECT_FALSE(removed.to);
}

TEST(ReviewPlanClassify, HigherVersionIsAnUpgrade) {
  const auto change = change_of(declared(binary("1.4.2", 'a')), declared(binary("1.10.0", 'b')));
  EXPECT_EQ(change.change, ChangeKind::upgrade);
  EXPECT_EQ(change.reason, RollbackReason::none);
  EXPECT_TRUE(change.applies);
}

TEST(ReviewPlanClassify, LowerVersionIsARollbackByVersionOrder) {
  const auto change = change_of(declared(binary("1.10.0", 'b')), declared(binary("1.9.3", 'c')));
  EXPECT_EQ(change.change, ChangeKind::rollback);
  EXPECT_EQ(change.reason, RollbackReason::version_lower);
  EXPECT_EQ(change.declared_at, "");
}

TEST(ReviewPlanClassify, ReleaseDeclaredBeforeTheCurrentOneIsARollbackByHistory) {
  // A rebuild of the same version: version order cannot tell, history can.
  const ReleaseView old_build = binary("1.4.2", 'a');
  const ReleaseView new_build = binary("1.4.2", 'b');
  DeclaredHistory history;
  history["web"][new_build.identity()] = Declaration{0, hex_of('1', 40)};
  history["web"][old_build.identity()] = Declaration{3, hex_of('2', 40)};
  const auto change = change_of(declared(new_build), declared(old_build), history);
  EXPECT_EQ(change.change, ChangeKind::rollback);
  EXPECT_EQ(change.reason, RollbackReason::declared_earlier);
  EXPECT_EQ(change.declared_at, hex_of('2', 40));

  // Without that history the same move is a new build going forward.
  EXPECT_EQ(change_of(declared(new_build), declared(old_build)).change, ChangeKind::upgrade);
}

TEST(ReviewPlanClassify, HistoryWinsOverAHigherVersion) {
  // 2.0.0 was declared before the current 1.9.0 (e.g. after a hotfix line took over).
  const ReleaseView current = binary("1.9.0", 'a');
  const ReleaseView earlier = binary("2.0.0", 'b');
  DeclaredHistory history;
  history["web"][current.identity()] = Declaration{1, hex_of('1', 40)};
  history["web"][earlier.identity()] = Declaration{2, hex_of('2', 40)};
  const auto change = change_of(declared(current), declared(earlier), history);
  EXPECT_EQ(change.change, ChangeKind::rollback);
  EXPECT_EQ(change.reason, RollbackReason::declared_earlier);
}

TEST(ReviewPlanClassify, ReapplyingAReleaseAfterItsRevertIsNotARollback) {
  // v1 1.4.2 -> v2 1.5.0 -> revert to 1.4.2 (--from) -> 1.5.0 again (--to).
  const ReleaseView v142 = binary("1.4.2", 'a');
  const ReleaseView v150 = binary("1.5.0", 'b');
  DeclaredHistory history;
  history["web"][v142.identity()] = Declaration{2, hex_of('1', 40)};
  history["web"][v150.identity()] = Declaration{1, hex_of('2', 40)};
  const auto change = change_of(declared(v142), declared(v150), history);
  EXPECT_EQ(change.change, ChangeKind::upgrade);
}

TEST(ReviewPlanClassify, OtherConfigIsConfigOnly) {
  const auto change =
      change_of(declared(binary("1.4.2", 'a', '1')), declared(binary("1.4.2", 'a', '2')));
  EXPECT_EQ(change.change, ChangeKind::config_only);
  EXPECT_STREQ(to_string(change.change), "config-only");
  EXPECT_TRUE(change.applies);
}

TEST(ReviewPlanClassify, ContainerDigestChangeIsAnImageChangeOrARollback) {
  const auto changed = change_of(declared(container("1.2", 'a')), declared(container("1.3", 'b')));
  EXPECT_EQ(changed.change, ChangeKind::image_change);
  EXPECT_STREQ(to_string(changed.change), "image-change");

  const auto lower = change_of(declared(container("1.3", 'b')), declared(container("1.2", 'a')));
  EXPECT_EQ(lower.change, ChangeKind::rollback);
  EXPECT_EQ(lower.reason, RollbackReason::version_lower);

  // Digests only (no tags): history decides.
  const ReleaseView a = container("", 'a');
  const ReleaseView b = container("", 'b');
  DeclaredHistory history;
  history["web"][a.identity()] = Declaration{5, hex_of('3', 40)};
  EXPECT_EQ(change_of(declared(b), declared(a), history).change, ChangeKind::rollback);
  EXPECT_EQ(change_of(declared(b), declared(a)).change, ChangeKind::image_change);

  const auto config =
      change_of(declared(container("1.2", 'a', '1')), declared(container("1.2", 'a', '2')));
  EXPECT_EQ(config.change, ChangeKind::config_only);
}

TEST(ReviewPlanClassify, OtherSettingsWithTheSameRelease) {
  DeclaredService before = declared(binary("1.4.2", 'a'));
  DeclaredService after = before;
  std::get<ExecRun>(*after.runtime.run).env["PORT"] = "81";
  after.fingerprint = "fp-other";
  const ServiceChange change = change_of(before, after);
  EXPECT_EQ(change.change, ChangeKind::settings);
  EXPECT_EQ(change.settings_changed, std::vector<std::string>{"run.exec.env"});
  EXPECT_TRUE(change.applies);

  // What the fingerprint leaves out (hooks, keepReleases, ...) changes nothing on the host, so
  // the plan says so too: the agent would not restart anything.
  DeclaredService same = before;
  same.runtime.run = after.runtime.run;  // a stale copy: only the fingerprint decides
  EXPECT_EQ(change_of(before, same).change, ChangeKind::unchanged);
}

TEST(ReviewPlanClassify, HostOutsideTheRolloutIsHeldBack) {
  const auto change = change_of(declared(binary("1.4.2", 'a')),
                                declared(binary("1.5.0", 'b'), 20, /*included=*/false));
  EXPECT_EQ(change.change, ChangeKind::upgrade);
  EXPECT_FALSE(change.applies) << "outside the share the host keeps what it runs";
  EXPECT_EQ(change.rollout, (Rollout{20, 42, false}));

  const auto inside = change_of(declared(binary("1.4.2", 'a')),
                                declared(binary("1.5.0", 'b'), 50, /*included=*/true));
  EXPECT_TRUE(inside.applies);
}

TEST(ReviewPlanClassify, RaisingTheShareOverAHostJoinsTheRollout) {
  const auto change = change_of(declared(binary("1.5.0", 'b'), 20, false),
                                declared(binary("1.5.0", 'b'), 100, true));
  EXPECT_EQ(change.change, ChangeKind::joins_rollout);
  EXPECT_TRUE(change.applies);
}

HostPlan host_moving(const std::string& host,
                     const std::string& service,
                     const ReleaseView& from,
                     const ReleaseView& to,
                     bool included = true) {
  HostInput input{host, {}, {}, {}};
  input.from.emplace(service, declared(from));
  input.to.emplace(service, declared(to, included ? 100 : 30, included));
  return plan_host(input, {});
}

TEST(ReviewPlanSummary, GroupsHostsMakingTheSameMoveMostImportantFirst) {
  const std::vector<HostPlan> hosts = {
      host_moving("db-01", "db", binary("2.0", 'a'), binary("2.1", 'b')),
      host_moving("db-02", "db", binary("2.0", 'a'), binary("2.1", 'b')),
      host_moving("web-01", "web", binary("1.5.0", 'c'), binary("1.4.2", 'd')),
      host_moving("web-02", "web", binary("1.5.0", 'c'), binary("1.4.2", 'd')),
      host_moving("web-03", "web", binary("1.5.0", 'c'), binary("1.4.2", 'd')),
      host_moving("web-04", "web", binary("1.5.0", 'c'), binary("1.5.0", 'c')),
  };
  const auto summary = summarize(hosts);
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_EQ(summary[0].text, "3 hosts roll back web 1.5.0 → 1.4.2");
  EXPECT_EQ(summary[0].hosts, (std::vector<std::string>{"web-01", "web-02", "web-03"}));
  EXPECT_EQ(summary[1].text, "2 hosts upgrade db 2.0 → 2.1");
  EXPECT_EQ(headline(summary), "3 hosts roll back web 1.5.0 → 1.4.2; 2 hosts upgrade db 2.0 → 2.1");
}

TEST(ReviewPlanSummary, NoChangesAndSingularHosts) {
  EXPECT_EQ(headline({}), "no host changes");
  const auto one =
      summarize({host_moving("web-01", "web", binary("1.0", 'a'), binary("1.1", 'b'))});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].text, "1 host upgrades web 1.0 → 1.1");
}

TEST(ReviewPlanSummary, HeldBackHostsAreCountedApart) {
  const auto summary = summarize({
      host_moving("web-01", "web", binary("1.0", 'a'), binary("1.1", 'b'), true),
      host_moving("web-02", "web", binary("1.0", 'a'), binary("1.1", 'b'), false),
  });
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_EQ(summary[0].text, "1 host upgrades web 1.0 → 1.1");
  EXPECT_TRUE(summary[1].held);
  EXPECT_EQ(summary[1].text, "1 host outside the 30% rollout of web 1.1 keeps what it runs");
}

TEST(ReviewPlanSummary, SameVersionRebuildShowsTheCommits) {
  const auto summary =
      summarize({host_moving("web-01", "web", binary("1.4.2", 'a'), binary("1.4.2", 'b'))});
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0].text, "1 host upgrades web 1.4.2 (aaaaaaaaaaaa) → 1.4.2 (bbbbbbbbbbbb)");
}

TEST(ReviewPlanSummary, ReleaseLabels) {
  EXPECT_EQ(release_label(binary("1.4.2", 'a')), "1.4.2");
  EXPECT_EQ(release_label(container("1.2", 'a')), "1.2@sha256:aaaaaaaaaaaa");
  ReleaseView floating = container("latest", 'a');
  floating.digest.clear();
  floating.image = "registry.example.com/cache:latest";
  EXPECT_EQ(release_label(floating), "registry.example.com/cache:latest (unpinned)");
}

}  // namespace
}  // namespace tether::review::classify_test
