#include "apply/journal.hpp"
#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/output_format.hpp"
#include "cli/terminal.hpp"
#include "core/layout.hpp"
#include "report/table.hpp"

#include <cstdio>

namespace tether {
namespace {

std::string release_text(const std::optional<JournalRelease>& release) {
  if (!release) return "-";
  if (release->version.empty()) return release->dir;
  return release->version + " (" + release->commit.substr(0, 12) + ")";
}

Style action_style(const std::string& action) {
  return action.find("rollback") != std::string::npos ? Style::yellow : Style::plain;
}

void add_entry(Table& table, const JournalEntry& e) {
  table.add({{e.time, Style::dim},
             {e.service, Style::bold},
             {e.action, action_style(e.action)},
             {release_text(e.from)},
             {release_text(e.to)},
             {e.result, e.result == "ok" ? Style::green : Style::red},
             {e.state_commit.substr(0, 12)}});
  if (!e.error.empty()) table.add_note({e.error, Style::red});
}

}  // namespace

int history_command(const SettingsFlags& settings, const HistoryFlags& flags) {
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    print_error("history", config.error());
    return k_exit_usage;
  }
  auto entries = Journal(Layout{config->root}.journal()).read_all();
  if (!entries) {
    print_error("history", entries.error());
    return k_exit_failed;
  }
  const bool json = output_format(flags.output, flags.json) == OutputFormat::json;
  Table table({"TIME", "SERVICE", "ACTION", "FROM", "TO", "RESULT", "STATE COMMIT"});
  int shown = 0;
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
    if (!flags.service.empty() && it->service != flags.service) continue;
    if (flags.limit > 0 && shown >= flags.limit) break;
    ++shown;
    if (json) {
      std::puts(to_json_line(*it).c_str());
    } else {
      add_entry(table, *it);
    }
  }
  if (json) return k_exit_ok;
  std::fputs(shown == 0 ? "no history yet\n" : table.render(colour_for(stdout)).c_str(), stdout);
  return k_exit_ok;
}

}  // namespace tether
