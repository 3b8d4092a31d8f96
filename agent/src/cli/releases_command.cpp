#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/output_format.hpp"
#include "cli/terminal.hpp"
#include "core/json_text.hpp"
#include "report/release_list.hpp"
#include "report/table.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace tether {
namespace {

std::string size_text(std::optional<std::uintmax_t> bytes) {
  if (!bytes) return "-";
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(*bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

std::string roles_text(const std::vector<std::string>& roles) {
  std::string text;
  for (const std::string& role : roles) text += (text.empty() ? "" : ",") + role;
  return text.empty() ? "-" : text;
}

Style roles_style(const std::vector<std::string>& roles) {
  const auto has = [&](const char* role) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  };
  if (has("quarantined") || has("damaged")) return Style::red;
  if (has("live")) return Style::green;
  return has("previous") ? Style::yellow : Style::plain;
}

std::string render(const ReleaseList& list, Colour colour) {
  Table table({list.kind == "container" ? "IMAGE" : "RELEASE", "ROLE", "INSTALLED", "SIZE"});
  for (const ReleaseEntry& e : list.releases) {
    table.add({{e.name, Style::bold},
               {roles_text(e.roles), roles_style(e.roles)},
               {e.installed_at.empty() ? "-" : e.installed_at, Style::dim},
               {size_text(e.bytes)}});
  }
  std::string text = list.releases.empty() ? "no releases installed\n" : table.render(colour);
  if (list.shared_bytes) {
    text += "shared data: " + list.shared_dir + " (" + size_text(list.shared_bytes) +
            ", kept across releases and never pruned)\n";
  }
  return text;
}

}  // namespace

int releases_command(const SettingsFlags& settings, const ReleasesFlags& flags) {
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    print_error("releases", config.error());
    return k_exit_usage;
  }
  auto list = list_releases(Layout{config->root}, flags.service);
  if (!list) {
    print_error("releases", list.error());
    return k_exit_failed;
  }
  if (output_format(flags.output, flags.json) == OutputFormat::json) {
    std::puts(json_text(to_json(*list), 2).c_str());
  } else {
    std::fputs(render(*list, colour_for(stdout)).c_str(), stdout);
  }
  return k_exit_ok;
}

}  // namespace tether
