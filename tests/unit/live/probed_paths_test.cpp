#include "live/probed_paths.hpp"

#include "apply/current_link.hpp"
#include "apply/release_installer.hpp"
#include "live/live_probe.hpp"
#include "release_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace tether::probed_paths_test {
namespace {

namespace fs = std::filesystem;

const WatchedPath* find(const std::vector<WatchedPath>& paths, const fs::path& path) {
  const auto it = std::find_if(
      paths.begin(), paths.end(), [&path](const WatchedPath& p) { return p.path == path; });
  return it == paths.end() ? nullptr : &*it;
}

bool lists(const std::vector<WatchedPath>& paths, const fs::path& path) {
  return find(paths, path) != nullptr;
}

TEST(ProbedPathsTest, ListsEveryDirDownToEachVouchedFileAndTheFile) {
  test::TempDir tmp;
  const Layout layout{tmp / "root"};
  const DesiredService desired =
      test::make_release(tmp / "artifacts", "web", "1.4.2", {{"etc/app/app.yaml", "a\n"}});
  ASSERT_TRUE(install_release(layout, {}, desired, std::string(40, '5')).ok());
  ASSERT_TRUE(switch_current(layout, "web", desired.release.dir_name()).ok());
  HashCache hashes;
  ProbeCache cache;
  const Live live = probe_all(layout, hashes, {}, cache);
  const auto paths = probed_paths(layout, live, cache);

  const fs::path release = layout.release_dir("web", desired.release.dir_name());
  for (const fs::path& expected : {layout.root,
                                   layout.services_dir(),
                                   layout.service_dir("web"),
                                   layout.releases_dir("web"),
                                   release,
                                   release / ".tether",
                                   release / "etc",
                                   release / "etc/app",
                                   release / "etc/app/app.yaml",
                                   release / "bin",
                                   release / "bin/web"}) {
    EXPECT_TRUE(lists(paths, expected)) << expected;
  }
  // Whose change each is: the service's own paths are its, the services dir's entries name
  // services, the state dir holds what a pass reads besides the probe, the root is everyone's.
  EXPECT_EQ(find(paths, layout.root)->scope, WatchScope::host);
  EXPECT_EQ(find(paths, layout.services_dir())->scope, WatchScope::service_entries);
  EXPECT_EQ(find(paths, layout.state_dir())->scope, WatchScope::plan_inputs);
  for (const fs::path& own : {layout.service_dir("web"), release / "etc/app/app.yaml"}) {
    EXPECT_EQ(find(paths, own)->scope, WatchScope::service) << own;
    EXPECT_EQ(find(paths, own)->service, "web") << own;
  }
  // The run dir before it exists (watched through the service dir until then), never the log.
  EXPECT_TRUE(lists(paths, layout.pid_file("web").parent_path()));
  EXPECT_FALSE(lists(paths, layout.log_file("web").parent_path()));
  EXPECT_FALSE(lists(paths, layout.log_file("web")));
  // Every directory before what is in it.
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j)
      EXPECT_FALSE(paths[i].path.parent_path() == paths[j].path)
          << paths[j].path << " after " << paths[i].path;
  }
}

}  // namespace
}  // namespace tether::probed_paths_test
