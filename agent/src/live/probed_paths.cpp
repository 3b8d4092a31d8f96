#include "live/probed_paths.hpp"

namespace tether {
namespace {

/// `file` (relative to `release_dir`) and the dirs between them, outermost first.
void add_vouched(const fs::path& release_dir,
                 const std::string& file,
                 std::vector<fs::path>& paths) {
  fs::path at = release_dir;
  for (const auto& part : fs::path(file).relative_path()) {
    at /= part;
    paths.push_back(at);
  }
}

}  // namespace

std::vector<fs::path> probed_paths(const Layout& layout,
                                   const Live& live,
                                   const ProbeCache& cache) {
  // The root first: a services or state dir made after this call is seen as its entry.
  std::vector<fs::path> paths{layout.root, layout.services_dir(), layout.state_dir()};
  for (const auto& [name, service] : live) {
    paths.push_back(layout.service_dir(name));
    paths.push_back(layout.releases_dir(name));
    paths.push_back(layout.pid_file(name).parent_path());
    for (const InstalledRelease& release : service.installed) {
      const fs::path dir = layout.release_dir(name, release.dir_name);
      paths.push_back(dir);
      paths.push_back(dir / ".tether");
      const Result<ReleaseRecord>* parsed = cache.parsed_release_record(dir);
      if (parsed == nullptr || !*parsed) continue;
      const ReleaseRecord& record = **parsed;
      add_vouched(dir, record.binary_path, paths);
      for (const auto& [target, digest] : record.config_digests) add_vouched(dir, target, paths);
    }
  }
  return paths;
}

}  // namespace tether
