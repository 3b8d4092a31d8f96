// `tether retry --accept-migrations SERVICE` (#23): an operator accepts, on this host, that a
// rollback leaves the release in `current` for one recorded with an older migration state.
#include "apply/history_store.hpp"
#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/wake_agent.hpp"
#include "core/layout.hpp"
#include "live/migration_record.hpp"
#include "manifest/field_checks.hpp"

#include <cstdio>
#include <system_error>

namespace tether {

int accept_migrations_command(const SettingsFlags& settings, const std::string& service) {
  const char* command = "retry --accept-migrations";
  if (const std::string expected = checks::service_name(service); !expected.empty()) {
    print_error(command, {"'" + service + "' is not a service name: expected " + expected, ""});
    return k_exit_usage;
  }
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    print_error(command, config.error());
    return k_exit_usage;
  }
  const Layout layout{config->root};
  std::error_code ec;
  const fs::path current = fs::read_symlink(layout.current_link(service), ec);
  if (ec) {
    std::printf("%s has no current release here; nothing to accept\n", service.c_str());
    return k_exit_ok;
  }
  const std::string dir = current.filename().string();
  const auto states = read_migration_states(layout, service);
  const auto state = states.find(dir);
  const HistoryStore store(layout.history());
  auto history = store.load();
  if (!history) {
    print_error(command, history.error());
    return k_exit_failed;
  }
  (*history)[service].migrations_accepted_from = dir;
  if (Status saved = store.save(*history); !saved) {
    print_error(command, saved.error());
    return k_exit_failed;
  }
  wake_agent(layout);
  std::printf(
      "%s: a rollback from %s (migrations %s) to a release recorded with an older migration "
      "state is accepted on this host; the agent's next pass carries out a held rollback\n",
      service.c_str(),
      dir.c_str(),
      state == states.end() ? "not recorded" : state->second.c_str());
  return k_exit_ok;
}

}  // namespace tether
