#pragma once

#include <string>
#include <vector>

namespace tether {

/// `spec.shared` (issue #23, data that survives releases): paths inside a binary release that
/// live once per service under `<root>/services/<name>/shared/<path>` and are symlinked into
/// every release dir tether builds, so what a release writes there is read by the next one and
/// by a rollback. Paths are relative, without `.`/`..`, outside `.tether/`, and none lies under
/// another (manifest/shared_reader.cpp checks them).
struct SharedPaths {
  std::vector<std::string> dirs;   ///< created as directories (0750) when missing
  std::vector<std::string> files;  ///< created as empty regular files (0640) when missing
  bool operator==(const SharedPaths&) const = default;

  [[nodiscard]] bool empty() const { return dirs.empty() && files.empty(); }
};

/// The text of the symlink at `path` inside `releases/<dir>/`: relative, so it resolves to
/// `<service>/shared/<path>` wherever the root is (a `.tmp-*` build dir sits at the same depth).
[[nodiscard]] inline std::string shared_link_text(const std::string& path) {
  std::string up = "../../";  // releases/<dir>/ -> the service dir
  for (const char c : path) {
    if (c == '/') up += "../";
  }
  return up + "shared/" + path;
}

}  // namespace tether
