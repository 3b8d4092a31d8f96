// Image references and the release identity of a container.
#include "model/image_ref.hpp"

#include <gtest/gtest.h>

namespace tether::image_ref_test {
namespace {

const std::string k_hex = "3173891fe882652cc8072cbd449f67411f2135e8b8cc919ae1f85f44b79d9a51";

TEST(ImageRef, SplitsRepositoryTagAndDigestWithoutMistakingARegistryPort) {
  EXPECT_EQ(parse_image_ref("127.0.0.1:5000/web@sha256:" + k_hex),
            (ImageRef{"127.0.0.1:5000/web", "", "sha256:" + k_hex}));
  EXPECT_EQ(parse_image_ref("registry.example.com/team/web:1.4@sha256:" + k_hex),
            (ImageRef{"registry.example.com/team/web", "1.4", "sha256:" + k_hex}));
  EXPECT_EQ(parse_image_ref("localhost:5000/web"), (ImageRef{"localhost:5000/web", "", ""}));
  EXPECT_EQ(parse_image_ref("busybox:latest"), (ImageRef{"busybox", "latest", ""}));
}

TEST(ImageRef, AContainerReleaseIsItsDigestPlusConfigHash) {
  const ReleaseId tagged = container_release_id("r/web:v1@sha256:" + k_hex, "cfg");
  EXPECT_EQ(tagged.version, "v1");
  EXPECT_EQ(tagged.commit, k_hex);
  EXPECT_EQ(tagged.binary_sha256, "sha256:" + k_hex);
  EXPECT_EQ(tagged.config_hash, "cfg");
  EXPECT_EQ(tagged.short_text(), "v1 (3173891fe882)");
  const ReleaseId bare = container_release_id("r/web@sha256:" + k_hex, "cfg");
  EXPECT_EQ(bare.version, "sha256:3173891fe882");
  EXPECT_NE(bare.dir_name(), container_release_id("r/web@sha256:" + k_hex, "other").dir_name())
      << "a config-only change is another release";
}

}  // namespace
}  // namespace tether::image_ref_test
