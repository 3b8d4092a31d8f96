#include "apply/history_store.hpp"
#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "core/layout.hpp"

#include <cstdio>

namespace tether {

int retry_command(const SettingsFlags& settings, const std::string& service) {
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    print_error("retry", config.error());
    return k_exit_usage;
  }
  const HistoryStore store(Layout{config->root}.history());
  auto history = store.load();
  if (!history) {
    print_error("retry", history.error());
    return k_exit_failed;
  }
  auto it = history->find(service);
  if (it == history->end() || !it->second.quarantine) {
    std::printf("%s is not quarantined; nothing to do\n", service.c_str());
    return k_exit_ok;
  }
  const Quarantine lifted = *it->second.quarantine;
  it->second.quarantine.reset();
  if (Status saved = store.save(*history); !saved) {
    print_error("retry", saved.error());
    return k_exit_failed;
  }
  std::printf("%s: quarantine of %s (%s) lifted; the agent's next pass tries it again\n",
              service.c_str(),
              lifted.version.c_str(),
              lifted.commit.substr(0, 12).c_str());
  return k_exit_ok;
}

}  // namespace tether
