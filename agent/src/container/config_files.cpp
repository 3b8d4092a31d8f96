#include "container/config_files.hpp"

#include "core/files.hpp"

#include <unistd.h>

namespace tether {

fs::path container_config_dir(const Layout& layout,
                              const std::string& service,
                              const std::string& config_hash) {
  return layout.service_dir(service) / "config" / config_hash;
}

namespace {

std::vector<ConfigMount> mounts_of(const fs::path& dir, const DesiredService& desired) {
  std::vector<ConfigMount> mounts;
  for (const auto& [target, content] : desired.config_files) {
    mounts.push_back(ConfigMount{dir / target, "/" + target});
  }
  return mounts;
}

Status write_all(const fs::path& dir, const DesiredService& desired) {
  for (const auto& [target, content] : desired.config_files) {
    const fs::path path = dir / target;
    if (Status made = make_dirs(path.parent_path()); !made) return made;
    if (Status written = write_file_atomic(path, content); !written) return written;
  }
  return ok_status();
}

}  // namespace

Result<std::vector<ConfigMount>> materialize_config(const Layout& layout,
                                                    const DesiredService& desired) {
  const std::string& name = desired.service.name;
  const fs::path dir = container_config_dir(layout, name, desired.release.config_hash);
  std::error_code ec;
  if (desired.config_files.empty() || fs::is_directory(dir, ec)) return mounts_of(dir, desired);
  const fs::path temp = dir.parent_path() / (".tmp-" + std::to_string(::getpid()) + "-" +
                                             desired.release.config_hash.substr(0, 12));
  fs::remove_all(temp, ec);
  Status written = write_all(temp, desired);
  if (written) {
    fs::rename(temp, dir, ec);
    if (ec)
      written =
          Error{"cannot rename " + temp.string() + " to " + dir.string() + ": " + ec.message(),
                "check the permissions of " + dir.parent_path().string()};
  }
  if (!written) {
    fs::remove_all(temp, ec);
    return written.error().with_context(name + ": config files");
  }
  return mounts_of(dir, desired);
}

}  // namespace tether
