#include "live/probed_paths.hpp"

namespace tether {
namespace {

/// `file` (relative to `release_dir`) and the dirs between them, outermost first.
void add_vouched(const fs::path& release_dir,
                 const std::string& file,
                 const std::string& service,
                 std::vector<WatchedPath>& paths) {
  fs::path at = release_dir;
  for (const auto& part : fs::path(file).relative_path()) {
    at /= part;
    paths.emplace_back(at, WatchScope::service, service);
  }
}

/// Each service's own paths, for the services `wanted` says yes to.
template <typename Wanted>
void add_services(const Layout& layout,
                  const Live& live,
                  const ProbeCache& cache,
                  Wanted wanted,
                  std::vector<WatchedPath>& paths) {
  for (const auto& [name, service] : live) {
    if (!wanted(name)) continue;
    const auto add = [&paths, &name = name](fs::path path) {
      paths.emplace_back(std::move(path), WatchScope::service, name);
    };
    add(layout.service_dir(name));
    add(layout.releases_dir(name));
    add(layout.pid_file(name).parent_path());
    for (const InstalledRelease& release : service.installed) {
      const fs::path dir = layout.release_dir(name, release.dir_name);
      add(dir);
      add(dir / ".tether");
      const Result<ReleaseRecord>* parsed = cache.parsed_release_record(dir);
      if (parsed == nullptr || !*parsed) continue;
      const ReleaseRecord& record = **parsed;
      add_vouched(dir, record.binary_path, name, paths);
      for (const auto& [target, digest] : record.config_digests)
        add_vouched(dir, target, name, paths);
    }
  }
}

}  // namespace

std::vector<WatchedPath> probed_paths(const Layout& layout,
                                      const Live& live,
                                      const ProbeCache& cache) {
  // The root first: a services or state dir made after this call is seen as its entry.
  std::vector<WatchedPath> paths{{layout.root, WatchScope::host},
                                 {layout.services_dir(), WatchScope::service_entries},
                                 {layout.state_dir(), WatchScope::plan_inputs}};
  add_services(
      layout, live, cache, [](const std::string&) { return true; }, paths);
  return paths;
}

std::vector<WatchedPath> probed_paths_of(const Layout& layout,
                                         const Live& live,
                                         const ProbeCache& cache,
                                         const std::set<std::string>& services) {
  std::vector<WatchedPath> paths;
  add_services(
      layout,
      live,
      cache,
      [&services](const std::string& name) { return services.count(name) != 0; },
      paths);
  return paths;
}

}  // namespace tether
