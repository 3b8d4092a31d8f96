#include "manifest/manifest_cache.hpp"

#include "manifest/state_loader.hpp"

#include <gtest/gtest.h>

namespace tether::manifest_cache_test {
namespace {

std::string cached_service_yaml(const std::string& name, const std::string& version) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name +
         "\nspec:\n  release:\n    version: \"" + version +
         "\"\n    commit: " + std::string(40, 'a') +
         "\n    artifact:\n      url: file:///srv/a.tar.gz\n      sha256: " + std::string(64, 'b') +
         "\n    binary:\n      path: bin/app\n      sha256: " + std::string(64, 'c') +
         "\n  run:\n    exec:\n      command: [bin/app]\n";
}

const HostIdentity k_host{"web-01", {}};

/// A snapshot whose blob ids name the content (as Git's do).
StateSnapshot snapshot_of(const std::string& commit, std::map<std::string, std::string> files) {
  StateSnapshot snapshot{commit, std::move(files)};
  for (const auto& [path, text] : snapshot.files)
    snapshot.blob_ids[path] = std::to_string(std::hash<std::string>{}(text));
  return snapshot;
}

TEST(ManifestCache, AChangedCommitParsesOnlyTheChangedManifests) {
  ManifestCache cache;
  Diagnostics diagnostics;
  const auto first = snapshot_of("c1",
                                 {{"services/a.yaml", cached_service_yaml("a", "1.0.0")},
                                  {"services/b.yaml", cached_service_yaml("b", "1.0.0")},
                                  {"services/c.yaml", cached_service_yaml("c", "1.0.0")}});
  ASSERT_TRUE(load_desired(first, k_host, diagnostics, &cache)) << diagnostics.describe();
  EXPECT_EQ(cache.parsed(), 3u);

  auto second = first;
  second.commit = "c2";
  second.files["services/b.yaml"] = cached_service_yaml("b", "2.0.0");
  second.blob_ids["services/b.yaml"] = "changed";
  const auto desired = load_desired(second, k_host, diagnostics, &cache);
  ASSERT_TRUE(desired) << diagnostics.describe();
  EXPECT_EQ(cache.parsed(), 4u);
  EXPECT_EQ(desired->services.at("b").release.version, "2.0.0");
  // The same as without a cache.
  Diagnostics fresh;
  EXPECT_EQ(*desired, *load_desired(second, k_host, fresh));
}

TEST(ManifestCache, AnInvalidManifestIsRefusedEveryTimeWithTheSameDiagnostics) {
  ManifestCache cache;
  const auto snapshot = snapshot_of("c1", {{"services/a.yaml", "apiVersion: [\n"}});
  Diagnostics first;
  EXPECT_FALSE(load_desired(snapshot, k_host, first, &cache));
  Diagnostics second;
  EXPECT_FALSE(load_desired(snapshot, k_host, second, &cache));
  EXPECT_EQ(cache.parsed(), 1u);
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(second.describe(), first.describe());
}

TEST(ManifestCache, WithoutBlobIdsEveryManifestIsParsed) {
  ManifestCache cache;
  const StateSnapshot snapshot{"c1", {{"services/a.yaml", cached_service_yaml("a", "1.0.0")}}};
  Diagnostics diagnostics;
  ASSERT_TRUE(load_desired(snapshot, k_host, diagnostics, &cache));
  ASSERT_TRUE(load_desired(snapshot, k_host, diagnostics, &cache));
  EXPECT_EQ(cache.parsed(), 0u);
}

TEST(ManifestCache, TheSameBlobAtAnotherPathIsParsedForThatPath) {
  ManifestCache cache;
  Diagnostics diagnostics;
  auto snapshot = snapshot_of("c1", {{"services/a.yaml", cached_service_yaml("a", "1.0.0")}});
  ASSERT_TRUE(load_desired(snapshot, k_host, diagnostics, &cache));
  // Moved to b.yaml: its name no longer matches the file, which must still be said.
  snapshot = snapshot_of("c2", {{"services/b.yaml", cached_service_yaml("a", "1.0.0")}});
  Diagnostics moved;
  EXPECT_FALSE(load_desired(snapshot, k_host, moved, &cache));
  EXPECT_NE(moved.describe().find("services/b.yaml"), std::string::npos) << moved.describe();
}

}  // namespace
}  // namespace tether::manifest_cache_test
