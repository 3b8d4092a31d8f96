// When a release came in, from a manifest's first-parent history (newest first): the oldest
// commit of the unbroken run that declares the same release.
#include "agent/wave_clock.hpp"

#include <gtest/gtest.h>

namespace tether::wave_clock_test {
namespace {

std::string manifest(const std::string& version, const std::string& extra = "") {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
         "  release: {version: \"" +
         version + "\", commit: abc}\n" + extra;
}

FileVersion at(const std::string& blob, long long time, const std::string& content) {
  return FileVersion{"c" + blob, time, blob, content};
}

TEST(ReleaseIntroduced, TheOldestCommitOfTheSameRelease) {
  // Newest first: a health change (same release), the release commit, the one before.
  const std::vector<FileVersion> history = {at("b3", 300, manifest("2.0", "  keepReleases: 3\n")),
                                            at("b2", 200, manifest("2.0")),
                                            at("b1", 100, manifest("1.0"))};
  EXPECT_EQ(release_introduced(history), 1u);
}

TEST(ReleaseIntroduced, AnUnchangedBlobNeedsNoContent) {
  const std::vector<FileVersion> history = {
      at("b2", 300, manifest("2.0")), at("b2", 200, ""), at("b1", 100, manifest("1.0"))};
  EXPECT_EQ(release_introduced(history), 1u);
}

TEST(ReleaseIntroduced, TheFileAppearingStartsIt) {
  const std::vector<FileVersion> history = {at("b2", 300, manifest("2.0")), at("", 200, "")};
  EXPECT_EQ(release_introduced(history), 0u);
}

TEST(ReleaseIntroduced, TheEndOfWhatWasReadIsTheLatestSafeAnswer) {
  const std::vector<FileVersion> history = {at("b2", 300, manifest("2.0")),
                                            at("b1", 200, manifest("2.0", "  keepReleases: 2\n"))};
  EXPECT_EQ(release_introduced(history), 1u);
}

TEST(ReleaseIntroduced, NoReadableReleaseIsNone) {
  EXPECT_FALSE(release_introduced({}).has_value());
  EXPECT_FALSE(release_introduced({at("b1", 1, "not: [yaml")}).has_value());
}

}  // namespace
}  // namespace tether::wave_clock_test
