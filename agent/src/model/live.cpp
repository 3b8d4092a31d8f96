#include "model/live.hpp"

#include <algorithm>

namespace tether {

std::string label_of(const LiveContainer& container, const std::string& key) {
  const auto it = container.labels.find(key);
  return it == container.labels.end() ? "" : it->second;
}

const InstalledRelease* LiveService::find(const std::string& dir_name) const {
  const auto it = std::find_if(installed.begin(), installed.end(), [&](const auto& release) {
    return release.dir_name == dir_name;
  });
  return it == installed.end() ? nullptr : &*it;
}

const InstalledRelease* LiveService::current() const {
  return current_dir ? find(*current_dir) : nullptr;
}

}  // namespace tether
