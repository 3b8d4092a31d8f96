#include "manifest/state_loader.hpp"

#include "core/sha256.hpp"
#include "manifest/config_hash.hpp"

#include <gtest/gtest.h>

namespace tether::state_loader_test {
namespace {

std::string service_yaml(const std::string& name,
                         const std::string& version,
                         const std::string& extra = "") {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name +
         "\nspec:\n  release:\n    version: \"" + version +
         "\"\n    commit: " + std::string(40, 'a') +
         "\n    artifact:\n      url: file:///srv/a.tar.gz\n      sha256: " + std::string(64, 'b') +
         "\n    binary:\n      path: bin/app\n      sha256: " + std::string(64, 'c') +
         "\n  run:\n    exec:\n      command: [bin/app]\n" + extra;
}

StateSnapshot snapshot_of(std::map<std::string, std::string> files) {
  return StateSnapshot{"c0ffee", std::move(files)};
}

const HostIdentity k_host{"web-01", {{"role", "web"}}};

TEST(StateLoader, ResolvesServicesWithConfigHash) {
  const auto snapshot = snapshot_of({
      {"services/app.yaml",
       service_yaml(
           "app", "1.0.0", "  config:\n    - {source: config/app/a.conf, target: etc/a.conf}\n")},
      {"config/app/a.conf", "port=1\n"},
      {"README.md", "ignored"},
  });
  Diagnostics diagnostics;
  const auto desired = load_desired(snapshot, k_host, diagnostics);
  ASSERT_TRUE(desired) << diagnostics.describe();
  ASSERT_EQ(desired->services.count("app"), 1u);
  const DesiredService& app = desired->services.at("app");
  EXPECT_EQ(app.release.version, "1.0.0");
  EXPECT_EQ(app.config_files.at("etc/a.conf"), "port=1\n");
  EXPECT_EQ(app.release.config_hash, config_hash({{"etc/a.conf", "port=1\n"}}));
  EXPECT_EQ(desired->state_commit, "c0ffee");
}

TEST(StateLoader, ConfigHashFollowsTheDesignFormula) {
  // sha256 of "etc/a.conf\0<sha256("x")>\n"
  const std::string line = std::string("etc/a.conf") + '\0' +
                           "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881\n";
  EXPECT_EQ(config_hash({{"etc/a.conf", "x"}}), Sha256::of(line));
}

TEST(StateLoader, SelectorPicksServicesByHostLabels) {
  const auto snapshot = snapshot_of({
      {"services/web.yaml", service_yaml("web", "1.0.0", "  selector: {role: web}\n")},
      {"services/db.yaml", service_yaml("db", "1.0.0", "  selector: {role: db}\n")},
      {"services/all.yaml", service_yaml("all", "1.0.0")},
  });
  Diagnostics diagnostics;
  const auto desired = load_desired(snapshot, k_host, diagnostics);
  ASSERT_TRUE(desired) << diagnostics.describe();
  EXPECT_EQ(desired->services.count("web"), 1u);
  EXPECT_EQ(desired->services.count("db"), 0u);
  EXPECT_EQ(desired->services.count("all"), 1u);
}

TEST(StateLoader, HostFileAddsLabelsAndOverridesFields) {
  const auto snapshot = snapshot_of({
      {"services/db.yaml",
       service_yaml("db", "1.0.0", "  selector: {role: db}\n  keepReleases: 3\n")},
      {"hosts/web-01.yaml",
       "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: web-01}\nspec:\n  labels: {role: "
       "db}\n"
       "  overrides:\n    db: {keepReleases: 9}\n"},
  });
  Diagnostics diagnostics;
  // The repo's host file wins over the agent's own labels: role=db from hosts/web-01.yaml.
  const auto repo_wins = load_desired(snapshot, k_host, diagnostics);
  ASSERT_TRUE(repo_wins) << diagnostics.describe();
  EXPECT_EQ(repo_wins->services.count("db"), 1u);

  const auto desired = load_desired(snapshot, HostIdentity{"web-01", {}}, diagnostics);
  ASSERT_TRUE(desired) << diagnostics.describe();
  EXPECT_EQ(desired->services.at("db").service.keep_releases, 9);
}

TEST(StateLoader, RefusesTheWholeCommitOnAnyError) {
  const auto snapshot = snapshot_of({
      {"services/good.yaml", service_yaml("good", "1.0.0")},
      {"services/bad.yaml", service_yaml("bad", "1.0.0", "  keepReleases: 0\n")},
  });
  Diagnostics diagnostics;
  EXPECT_FALSE(load_desired(snapshot, k_host, diagnostics));
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics.items()[0].file, "services/bad.yaml");
  EXPECT_EQ(diagnostics.items()[0].field, "spec.keepReleases");
  EXPECT_EQ(diagnostics.items()[0].line, 18);
}

TEST(StateLoader, NamesMissingConfigSourcesAndMismatchedFileNames) {
  const auto snapshot = snapshot_of({
      {"services/app.yaml",
       service_yaml(
           "app", "1.0.0", "  config:\n    - {source: config/app/missing.conf, target: a.conf}\n")},
      {"services/wrong-file.yaml", service_yaml("other", "1.0.0")},
  });
  Diagnostics diagnostics;
  EXPECT_FALSE(load_desired(snapshot, k_host, diagnostics));
  const std::string text = diagnostics.describe();
  EXPECT_NE(text.find("services/app.yaml: spec.config[0].source: \"config/app/missing.conf\" is "
                      "not in the state repo"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("services/wrong-file.yaml: metadata.name"), std::string::npos) << text;
}

TEST(StateLoader, OverrideForAnUndeclaredServiceIsAnError) {
  const auto snapshot = snapshot_of({
      {"hosts/web-01.yaml",
       "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: web-01}\nspec:\n  overrides:\n    "
       "ghost: {keepReleases: 2}\n"},
  });
  Diagnostics diagnostics;
  EXPECT_FALSE(load_desired(snapshot, k_host, diagnostics));
  EXPECT_NE(diagnostics.describe().find("spec.overrides.ghost"), std::string::npos);
}

TEST(StateLoader, RolloutBucketIsTheFirstEightDigestBytesModHundred) {
  // Computed independently: sha256("web-01/web") starts with these 16 hex digits.
  const std::string digest = Sha256::of("web-01/web");
  const unsigned long long first8 = std::stoull(digest.substr(0, 16), nullptr, 16);
  EXPECT_EQ(rollout_bucket("web-01", "web"), static_cast<int>(first8 % 100));
  EXPECT_TRUE(in_rollout("web", "web-01", rollout_bucket("web-01", "web") + 1));
  EXPECT_FALSE(in_rollout("web", "web-01", rollout_bucket("web-01", "web")));
}

TEST(StateLoader, RolloutBucketIsStableAndMonotonic) {
  int in_at_30 = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string host = "host-" + std::to_string(i);
    const bool at_30 = in_rollout("web", host, 30);
    EXPECT_EQ(at_30, in_rollout("web", host, 30));
    if (at_30) {
      ++in_at_30;
      EXPECT_TRUE(in_rollout("web", host, 60)) << "a host in at 30% must stay in at 60%";
    }
    EXPECT_FALSE(in_rollout("web", host, 0));
    EXPECT_TRUE(in_rollout("web", host, 100));
  }
  EXPECT_GT(in_at_30, 30);
  EXPECT_LT(in_at_30, 90);
}

}  // namespace
}  // namespace tether::state_loader_test
