#include "container/image_prune.hpp"

#include <algorithm>

namespace tether {

ImagePrune plan_image_prune(const std::vector<std::string>& used,
                            const std::string& latest,
                            const std::set<std::string>& in_use,
                            int keep) {
  std::vector<std::string> order;
  for (const std::string& image : used) {
    if (image != latest && !image.empty() &&
        std::find(order.begin(), order.end(), image) == order.end())
      order.push_back(image);
  }
  if (!latest.empty()) order.push_back(latest);
  size_t kept_count = 0;
  for (const std::string& image : order) kept_count += in_use.count(image);
  std::vector<bool> keeps(order.size());
  for (size_t i = order.size(); i-- > 0;) {
    if (in_use.count(order[i]) != 0) {
      keeps[i] = true;
    } else if (kept_count < static_cast<size_t>(std::max(keep, 0))) {
      keeps[i] = true;
      ++kept_count;
    }
  }
  ImagePrune prune;
  for (size_t i = 0; i < order.size(); ++i) {
    (keeps[i] ? prune.kept : prune.removed).push_back(order[i]);
  }
  return prune;
}

}  // namespace tether
