#include "apply/journal.hpp"
#include "cli/commands.hpp"
#include "core/layout.hpp"

#include <cstdio>

namespace tether {
namespace {

std::string release_text(const std::optional<JournalRelease>& release) {
  if (!release) return "-";
  if (release->version.empty()) return release->dir;
  return release->version + " (" + release->commit.substr(0, 12) + ")";
}

}  // namespace

int history_command(const SettingsFlags& settings, const HistoryFlags& flags) {
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    std::fprintf(stderr, "tether history: %s\n", config.error().describe().c_str());
    return k_exit_usage;
  }
  auto entries = Journal(Layout{config->root}.journal()).read_all();
  if (!entries) {
    std::fprintf(stderr, "tether history: %s\n", entries.error().describe().c_str());
    return k_exit_failed;
  }
  int shown = 0;
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
    if (!flags.service.empty() && it->service != flags.service) continue;
    if (flags.limit > 0 && shown >= flags.limit) break;
    ++shown;
    if (flags.json) {
      std::puts(to_json_line(*it).c_str());
      continue;
    }
    std::printf("%s  %-12s %-9s %s -> %s  %s  state %s%s%s\n",
                it->time.c_str(),
                it->service.c_str(),
                it->action.c_str(),
                release_text(it->from).c_str(),
                release_text(it->to).c_str(),
                it->result.c_str(),
                it->state_commit.substr(0, 12).c_str(),
                it->error.empty() ? "" : "\n    ",
                it->error.c_str());
  }
  if (shown == 0 && !flags.json) std::puts("no history yet");
  return k_exit_ok;
}

}  // namespace tether
