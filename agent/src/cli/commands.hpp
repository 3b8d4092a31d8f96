#pragma once

#include "cli/agent_settings.hpp"
#include "core/duration.hpp"

#include <string>

namespace tether {

struct RunFlags {
  bool once = false;
  bool dry_run = false;
};

/// `tether run`: the agent. Returns the process exit status.
int run_command(const SettingsFlags& settings, const RunFlags& flags);

struct StatusFlags {
  bool json = false;            ///< --json, the older spelling of --output json
  std::string output = "text";  ///< text (a table, colour on a terminal) or json
};

/// `tether status`: what is live on this host and why.
int status_command(const SettingsFlags& settings, const StatusFlags& flags);

struct HistoryFlags {
  std::string service;
  int limit = 0;                ///< 0 = all
  bool json = false;            ///< --json, the older spelling of --output json
  std::string output = "text";  ///< text (a table, colour on a terminal) or json lines
};

/// `tether history [SERVICE]`: the journal, newest first.
int history_command(const SettingsFlags& settings, const HistoryFlags& flags);

/// `tether retry SERVICE`: lifts the quarantine of SERVICE so the next pass tries it again.
int retry_command(const SettingsFlags& settings, const std::string& service);
/// Migrations (#23): `tether retry --accept-migrations SERVICE`: a rollback that leaves the
/// release in `current` for one recorded with an older migration state may go ahead here.
int accept_migrations_command(const SettingsFlags& settings, const std::string& service);

/// Rollback drills (#23).
struct DrillFlags {
  std::string service;
  Millis wait{std::chrono::seconds(60)};  ///< for a running agent to take up the drill's hold
};
/// `tether drill SERVICE`: switches the service to its previous good release and back, both
/// through the health gate, timed, journaled (`drill`) and on /metrics; exit 1 when either
/// switch failed or there is nothing to drill.
int drill_command(const SettingsFlags& settings, const DrillFlags& flags);

struct SuspendFlags {
  std::string service;       ///< one service, or
  bool all = false;          ///< every service of the host
  std::string reason;        ///< required: shown in status, journaled
  std::string for_duration;  ///< "" = until resumed; else e.g. 2h
};

/// `tether suspend SERVICE|--all --reason TEXT [--for D]`: holds services as they run on this
/// host (state/suspended.json) until `tether resume`, without a commit.
int suspend_command(const SettingsFlags& settings, const SuspendFlags& flags);

/// `tether resume SERVICE|--all`: lifts this host's own holds (Git's are lifted by a commit).
int resume_command(const SettingsFlags& settings, const std::string& service, bool all);

/// `tether revert --proposal SERVICE`: the revert this host's agent proposed for SERVICE
/// (state/revert-proposals.json), its message rebuilt by the same builder the agent used.
/// `format` json prints the record as JSON. Exit 1 when there is none.
int revert_proposal_command(const SettingsFlags& settings,
                            const std::string& service,
                            const std::string& format);

// -- issue #23, `tether releases` (h/shared) --
struct ReleasesFlags {
  std::string service;
  bool json = false;            ///< --json, the same as --output json
  std::string output = "text";  ///< text (a table) or json
};

/// `tether releases SERVICE`: the releases (or images) of SERVICE installed on this host, which
/// is live, which is the rollback target, which are quarantined, their size and install time.
int releases_command(const SettingsFlags& settings, const ReleasesFlags& flags);

/// Exit statuses shared by the commands (documented in --help).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_usage = 2;
/// `run`: another agent holds this root's lock (3 and 4 are review_commands.hpp's).
inline constexpr int k_exit_locked = 5;

}  // namespace tether
