#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/output_format.hpp"
#include "cli/terminal.hpp"
#include "core/json_text.hpp"
#include "report/host_report.hpp"

#include <cstdio>

namespace tether {

int status_command(const SettingsFlags& settings, const StatusFlags& flags) {
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    print_error("status", config.error());
    return k_exit_usage;
  }
  const Layout layout{config->root};
  HashCache hashes{layout.hash_cache()};  // digests the agent saved: no re-read of big files
  const HostReport report = read_host_report(layout, hashes);
  if (output_format(flags.output, flags.json) == OutputFormat::json) {
    std::puts(json_text(report_json(report), 2).c_str());
  } else {
    std::fputs(report_text(layout, report, colour_for(stdout)).c_str(), stdout);
  }
  return k_exit_ok;
}

}  // namespace tether
