// Issue #23: `spec.shared`, data that survives releases. Its paths stay inside the release dir
// and the service's shared dir, and an error names the field.
#include "manifest/config_hash.hpp"
#include "manifest/documents.hpp"
#include "manifest/state_loader.hpp"
#include "plan/planner.hpp"

#include <gtest/gtest.h>

namespace tether::shared_reader_test {
namespace {

std::string manifest(const std::string& extra, const std::string& workload = "") {
  const std::string release =
      "  release:\n    version: \"1.0.0\"\n    commit: " + std::string(40, 'a') +
      "\n    artifact: {url: file:///srv/a.tar.gz, sha256: " + std::string(64, 'b') +
      "}\n    binary: {path: bin/app, sha256: " + std::string(64, 'c') +
      "}\n  run: {exec: {command: [bin/app]}}\n";
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: app}\nspec:\n" +
         (workload.empty() ? release : workload) +
         "  config:\n    - {source: config/app/a.conf, target: etc/a.conf}\n" + extra;
}

std::string shared_problems(const std::string& text) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_service("services/app.yaml", text, diagnostics).has_value()) << text;
  return diagnostics.describe();
}

TEST(SharedReader, ReadsDirsAndFiles) {
  Diagnostics diagnostics;
  const auto service =
      parse_service("services/app.yaml",
                    manifest("  shared:\n    dirs: [data, var/cache]\n    files: [db.sqlite]\n"),
                    diagnostics);
  ASSERT_TRUE(service) << diagnostics.describe();
  EXPECT_EQ(service->shared.dirs, (std::vector<std::string>{"data", "var/cache"}));
  EXPECT_EQ(service->shared.files, (std::vector<std::string>{"db.sqlite"}));
}

TEST(SharedReader, RefusesPathsThatLeaveTheReleaseDirNamingTheField) {
  const struct {
    std::string shared;
    std::string expected;
  } cases[] = {
      {"{dirs: [/var/lib/app]}", "spec.shared.dirs[0]: expected a relative"},
      {"{dirs: [../other]}", "spec.shared.dirs[0]: expected a relative path without '.', '..'"},
      {"{files: [data/../../x]}", "spec.shared.files[0]: expected a relative"},
      {"{files: [./db]}", "spec.shared.files[0]"},
      {"{dirs: [.tether]}", "spec.shared.dirs[0]: expected a path outside .tether/"},
      {"{dirs: [\"\"]}", "spec.shared.dirs[0]"},
      {"{dirs: data}", "spec.shared.dirs: expected a list of strings"},
      {"{folders: [data]}", "spec.shared.folders"},
      {"[data]", "spec.shared"},
      {"{dirs: [data], files: [data/db]}",
       "spec.shared.files[0]: \"data/db\" is the same as or nested with \"data\" "
       "(spec.shared.dirs[0])"},
      {"{dirs: [data, data]}", "spec.shared.dirs[1]"},
      {"{files: [bin/app]}",
       "spec.shared.files[0]: \"bin/app\" overlaps the pinned binary bin/app"},
      {"{dirs: [bin]}", "spec.shared.dirs[0]: \"bin\" overlaps the pinned binary"},
      {"{dirs: [etc]}", "overlaps the config target etc/a.conf (spec.config[0].target)"},
  };
  for (const auto& c : cases) {
    const std::string found = shared_problems(manifest("  shared: " + c.shared + "\n"));
    EXPECT_NE(found.find(c.expected), std::string::npos) << c.shared << "\n" << found;
  }
}

TEST(SharedReader, IsForBinaryReleasesOnly) {
  const std::string container =
      "  container: {image: \"registry.example/app@sha256:" + std::string(64, 'd') + "\"}\n";
  const std::string found = shared_problems(manifest("  shared: {dirs: [data]}\n", container));
  EXPECT_NE(found.find("spec.shared: only for a binary release"), std::string::npos) << found;
  EXPECT_NE(found.find("spec.container.volumes"), std::string::npos) << found;
}

/// The app's desired state at one commit, with `shared` as its spec.shared ("" for none).
DesiredService desired_with(const std::string& shared) {
  const StateSnapshot snapshot{
      "c0ffee",
      {{"services/app.yaml", manifest(shared.empty() ? "" : "  shared: " + shared + "\n")},
       {"config/app/a.conf", "port=1\n"}}};
  Diagnostics diagnostics;
  const auto desired = load_desired(snapshot, HostIdentity{"web-01", {}}, diagnostics);
  EXPECT_TRUE(desired) << diagnostics.describe();
  return desired ? desired->services.at("app") : DesiredService{};
}

TEST(SharedReader, TheSharedListIsPartOfTheReleaseIdentity) {
  const DesiredService none = desired_with("");
  const DesiredService data = desired_with("{dirs: [data]}");
  const DesiredService file = desired_with("{files: [data]}");
  // Without spec.shared the config hash is the design's formula, unchanged.
  EXPECT_EQ(none.release.config_hash, config_hash({{"etc/a.conf", "port=1\n"}}));
  EXPECT_NE(data.release.config_hash, none.release.config_hash);
  EXPECT_NE(file.release.config_hash, data.release.config_hash) << "a dir is not a file";
  EXPECT_NE(data.release.dir_name(), none.release.dir_name()) << "built beside, never in place";
  EXPECT_NE(data.fingerprint, none.fingerprint);
  EXPECT_EQ(desired_with("{dirs: [data]}").release, data.release) << "stable";
}

TEST(SharedReader, AChangedSharedListIsPlannedAsAChangeToANewReleaseDir) {
  const DesiredService before = desired_with("");
  const DesiredService after = desired_with("{dirs: [data]}");
  LiveService live;
  live.name = "app";
  live.current_dir = before.release.dir_name();
  live.installed.push_back(
      InstalledRelease{before.release.dir_name(), before.release, "", true, ""});
  live.fingerprint = before.fingerprint;
  live.process = ProcessState::running;
  Desired desired;
  desired.state_commit = "c0ffee";
  desired.services.emplace("app", after);
  const Plan plan = make_plan(desired, {{"app", live}}, {}, {}, {});
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_TRUE(plan.actions[0].install);
  EXPECT_TRUE(plan.actions[0].switch_current);
  EXPECT_EQ(plan.actions[0].to.dir_name(), after.release.dir_name());
}

}  // namespace
}  // namespace tether::shared_reader_test
