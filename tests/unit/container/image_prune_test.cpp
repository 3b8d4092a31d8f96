// Issue #23: which images of a container service are removed after a switch (pure), and the
// removal through the engine (the fake one), which never fails the switch.
#include "container/image_prune.hpp"

#include "apply/container_images.hpp"
#include "fake_container_engine.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::image_prune_test {
namespace {

using Images = std::vector<std::string>;

TEST(ImagePrune, KeepsWhatServesAndTheRollbackTargetThenTheNewest) {
  const struct {
    Images used;
    std::string latest;
    std::set<std::string> in_use;
    int keep;
    ImagePrune expected;
  } cases[] = {
      {{}, "a", {"a"}, 1, {{"a"}, {}}},
      {{"a"}, "b", {"a", "b"}, 1, {{"a", "b"}, {}}},
      {{"a", "b"}, "c", {"b", "c"}, 1, {{"b", "c"}, {"a"}}},
      {{"a", "b", "c"}, "d", {"c", "d"}, 3, {{"b", "c", "d"}, {"a"}}},
      // A rollback to an image used before makes it the newest use again.
      {{"a", "b", "c"}, "a", {"a", "c"}, 2, {{"c", "a"}, {"b"}}},
      // The image that serves is kept even when it is the oldest use.
      {{"a", "b", "c"}, "d", {"a", "d"}, 2, {{"a", "d"}, {"b", "c"}}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(plan_image_prune(c.used, c.latest, c.in_use, c.keep), c.expected)
        << "latest " << c.latest << ", keep " << c.keep;
  }
}

TEST(ImagePrune, RemovesThroughTheEngineAndRetriesWhatItRefused) {
  test::TempDir tmp;
  const Layout layout{tmp.path()};
  std::filesystem::create_directories(layout.service_dir("web"));
  test::FakeContainerEngine engine;
  EXPECT_TRUE(prune_container_images(layout, engine, "web", "r/web@1", {"r/web@1"}, 1).empty());
  EXPECT_TRUE(
      prune_container_images(layout, engine, "web", "r/web@2", {"r/web@1", "r/web@2"}, 1).empty());
  engine.refuse_image_removal("r/web@1");
  EXPECT_TRUE(
      prune_container_images(layout, engine, "web", "r/web@3", {"r/web@2", "r/web@3"}, 1).empty());
  EXPECT_EQ(engine.calls(), (Images{"rmi r/web@1"}));
  EXPECT_EQ(read_image_record(layout, "web"), (Images{"r/web@1", "r/web@2", "r/web@3"}))
      << "a refused removal stays recorded";

  const test::FakeContainerEngine willing;
  EXPECT_EQ(prune_container_images(layout, willing, "web", "r/web@4", {"r/web@3", "r/web@4"}, 1),
            (Images{"r/web@1", "r/web@2"}));
  EXPECT_EQ(read_image_record(layout, "web"), (Images{"r/web@3", "r/web@4"}));
}

}  // namespace
}  // namespace tether::image_prune_test
