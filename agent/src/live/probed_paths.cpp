#include "live/probed_paths.hpp"

#include <system_error>

namespace tether {
namespace {

bool present(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

/// `file` (relative to `release_dir`) and the dirs between them, outermost first, as far as
/// they exist.
void add_vouched(const fs::path& release_dir,
                 const std::string& file,
                 std::vector<fs::path>& paths) {
  fs::path at = release_dir;
  for (const auto& part : fs::path(file).relative_path()) {
    at /= part;
    if (!present(at)) return;
    paths.push_back(at);
  }
}

}  // namespace

std::vector<fs::path> probed_paths(const Layout& layout, const Live& live, ProbeCache& cache) {
  // The root first: a services or state dir made after this call is seen as its entry.
  std::vector<fs::path> paths{layout.root};
  for (const fs::path& dir : {layout.services_dir(), layout.state_dir()}) {
    if (present(dir)) paths.push_back(dir);
  }
  for (const auto& [name, service] : live) {
    paths.push_back(layout.service_dir(name));
    for (const fs::path& dir : {layout.releases_dir(name), layout.pid_file(name).parent_path()}) {
      if (present(dir)) paths.push_back(dir);
    }
    for (const InstalledRelease& release : service.installed) {
      const fs::path dir = layout.release_dir(name, release.dir_name);
      paths.push_back(dir);
      if (present(dir / ".tether")) paths.push_back(dir / ".tether");
      const auto& record = cache.release_record(dir);
      if (!record) continue;
      add_vouched(dir, record->binary_path, paths);
      for (const auto& [target, digest] : record->config_digests) add_vouched(dir, target, paths);
    }
  }
  return paths;
}

}  // namespace tether
