#include "plan/prune_plan.hpp"

#include <algorithm>
#include <set>

namespace tether {

std::optional<PruneAction> plan_prune(const DesiredService& desired,
                                      const LiveService& live,
                                      const ServiceHistory& history) {
  std::set<std::string> protected_dirs = {desired.release.dir_name(),
                                          live.current_dir.value_or(""),
                                          history.last_good_dir,
                                          history.previous_good_dir};
  if (live.serving) protected_dirs.insert(live.serving->release.dir_name());
  const std::set<std::string> failed(history.failed_dirs.begin(), history.failed_dirs.end());
  std::vector<const InstalledRelease*> candidates;
  size_t kept = 0;
  for (const InstalledRelease& release : live.installed) {
    if (protected_dirs.count(release.dir_name) != 0) {
      ++kept;
    } else {
      candidates.push_back(&release);
    }
  }
  // Most worth keeping first: releases that passed here before those that failed, then the
  // newest.
  std::sort(candidates.begin(), candidates.end(), [&](const auto* a, const auto* b) {
    const bool a_failed = failed.count(a->dir_name) != 0;
    const bool b_failed = failed.count(b->dir_name) != 0;
    if (a_failed != b_failed) return b_failed;
    if (a->installed_at != b->installed_at) return a->installed_at > b->installed_at;
    return a->dir_name > b->dir_name;
  });
  PruneAction prune{desired.service.name, {}};
  for (const InstalledRelease* release : candidates) {
    if (kept < static_cast<size_t>(std::max(desired.service.keep_releases, 0))) {
      ++kept;
      continue;
    }
    prune.dir_names.push_back(release->dir_name);
  }
  if (prune.dir_names.empty()) return std::nullopt;
  std::sort(prune.dir_names.begin(), prune.dir_names.end());
  return prune;
}

}  // namespace tether
