#include "agent/wave_clock.hpp"

#include "core/log.hpp"
#include "manifest/release_key.hpp"

namespace tether {

std::optional<size_t> release_introduced(const std::vector<FileVersion>& history) {
  if (history.empty() || history.front().blob_id.empty()) return std::nullopt;
  const auto key = release_key_of(history.front().content);
  if (!key) return std::nullopt;
  size_t oldest = 0;
  for (size_t i = 1; i < history.size(); ++i) {
    const FileVersion& version = history[i];
    if (version.blob_id.empty()) break;  // the file did not exist yet
    // Same blob as the newer entry: same release, nothing to read.
    if (version.blob_id != history[i - 1].blob_id && release_key_of(version.content) != key) {
      break;
    }
    oldest = i;
  }
  return oldest;
}

void set_wave_starts(StateSource& source, Desired& desired, std::chrono::sys_seconds fallback) {
  for (auto& [name, waved] : desired.waves) {
    auto history =
        source.file_history(desired.state_commit, waved.manifest_path, k_wave_history_limit);
    const std::optional<size_t> introduced =
        history ? release_introduced(*history) : std::optional<size_t>();
    if (!introduced) {
      log_warn(
          "cannot tell from the state repo's history when the release came in; its waves "
          "count from now",
          {{"service", name},
           {"stateCommit", desired.state_commit.substr(0, 12)},
           {"error",
            history ? "no release in " + waved.manifest_path : history.error().describe()}});
      waved.start = fallback;
      waved.start_commit.clear();
      continue;
    }
    const FileVersion& version = (*history)[*introduced];
    waved.start = std::chrono::sys_seconds(std::chrono::seconds(version.commit_time));
    waved.start_commit = version.commit;
  }
}

}  // namespace tether
