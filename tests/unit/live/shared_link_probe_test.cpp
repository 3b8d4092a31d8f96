// Issue #23: a release installed with spec.shared carries its links, is intact while they are
// the links tether made, and is damage (repaired by a reinstall) once one is changed.
#include "apply/release_installer.hpp"
#include "apply/shared_paths.hpp"
#include "live/live_probe.hpp"
#include "live/release_record.hpp"
#include "release_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace tether::shared_link_probe_test {
namespace {

namespace fs = std::filesystem;

TEST(SharedLinkProbe, ALinkChangedAfterInstallIsDamage) {
  test::TempDir tmp;
  const Layout layout{tmp / "root"};
  DesiredService desired = test::make_release(tmp / "artifacts", "web", "1.0.0");
  desired.service.shared = SharedPaths{{"data"}, {"state.db"}};
  desired.release.config_hash = config_hash_with_shared({}, desired.service.shared);
  ASSERT_TRUE(prepare_shared(layout, "web", desired.service.shared).ok());
  const Status installed = install_release(layout, {}, desired, std::string(40, '5'));
  ASSERT_TRUE(installed.ok()) << installed.error().describe();
  const fs::path dir = layout.release_dir("web", desired.release.dir_name());
  EXPECT_EQ(read_release_record(dir)->shared, desired.service.shared);

  HashCache hashes;
  const LiveService live = probe_service(layout, "web", hashes);
  ASSERT_EQ(live.installed.size(), 1u);
  EXPECT_TRUE(live.installed[0].intact) << live.installed[0].damage;

  fs::remove(dir / "data");
  fs::create_directory_symlink("/tmp", dir / "data");
  HashCache fresh;
  const LiveService changed = probe_service(layout, "web", fresh);
  ASSERT_EQ(changed.installed.size(), 1u);
  EXPECT_FALSE(changed.installed[0].intact);
  EXPECT_EQ(changed.installed[0].damage, "shared link data was modified");
}

}  // namespace
}  // namespace tether::shared_link_probe_test
