// `tether suspend` and `tether resume`: an operator's hold on this host, without a commit.
#include "apply/suspension_store.hpp"
#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/wake_agent.hpp"
#include "core/duration.hpp"
#include "core/file_lock.hpp"
#include "core/files.hpp"
#include "core/layout.hpp"
#include "manifest/field_checks.hpp"

#include <cstdio>
#include <string>

namespace tether {
namespace {

/// What the command was asked to hold or lift, or the usage error that refuses it.
Status check_target(const std::string& service, bool all) {
  if (all == !service.empty()) {
    return Error{"name one service or --all", "tether suspend web --reason '...'"};
  }
  if (const std::string expected = checks::service_name(service); !all && !expected.empty()) {
    return Error{"'" + service + "' is not a service name: expected " + expected, ""};
  }
  return ok_status();
}

/// Whether an unreadable holds file may be started afresh (only `resume --all` may: the
/// agent holds every service while the file cannot be read).
enum class Unreadable { refuse, start_afresh };

/// Loads the store under its lock, lets `change` edit the holds and saves them.
template <class Change>
int update_holds(const char* command,
                 const SettingsFlags& settings,
                 Change change,
                 Unreadable unreadable = Unreadable::refuse) {
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    print_error(command, config.error());
    return k_exit_usage;
  }
  const Layout layout{config->root};
  if (Status made = make_dirs(layout.state_dir()); !made) {
    print_error(command, made.error());
    return k_exit_failed;
  }
  // Two operators at once: the second is told, not lost in a race on the file.
  auto lock = FileLock::acquire(layout.suspensions().string() + ".lock");
  if (!lock) {
    print_error(command, lock.error());
    return k_exit_locked;
  }
  const SuspensionStore store(layout.suspensions());
  auto holds = store.load();
  if (!holds && unreadable == Unreadable::start_afresh) {
    // What the agent read from it was a hold on every service: lifting that is the change.
    std::printf("%s: replacing a holds file that cannot be read (%s)\n",
                command,
                holds.error().message.c_str());
    HostSuspensions damaged;
    damaged.all = Suspension{holds.error().message, layout.suspensions().string(), "", ""};
    holds = std::move(damaged);
  }
  if (!holds) {
    // Unreadable: the agent holds everything. Only a resume --all may start afresh.
    print_error(command, holds.error());
    return k_exit_failed;
  }
  if (Status changed = change(*holds); !changed) {
    print_error(command, changed.error());
    return k_exit_usage;
  }
  if (Status saved = store.save(*holds); !saved) {
    print_error(command, saved.error());
    return k_exit_failed;
  }
  wake_agent(layout);
  return k_exit_ok;
}

}  // namespace

int suspend_command(const SettingsFlags& settings, const SuspendFlags& flags) {
  if (Status target = check_target(flags.service, flags.all); !target) {
    print_error("suspend", target.error());
    return k_exit_usage;
  }
  if (const std::string expected = checks::suspend_reason(flags.reason); !expected.empty()) {
    print_error("suspend",
                {"--reason: expected " + expected, "it is shown in status and journaled"});
    return k_exit_usage;
  }
  Suspension hold{flags.reason, "tether suspend", now_rfc3339(), ""};
  if (!flags.for_duration.empty()) {
    const auto length = parse_duration(flags.for_duration);
    if (!length || *length <= Millis(0)) {
      print_error("suspend",
                  {"--for: '" + flags.for_duration + "' is not a duration", "e.g. 2h, 30m"});
      return k_exit_usage;
    }
    hold.until = rfc3339_of(std::chrono::system_clock::now() + *length);
  }
  const int code = update_holds("suspend", settings, [&](HostSuspensions& holds) {
    if (flags.all) {
      holds.all = hold;
    } else {
      holds.services[flags.service] = hold;
    }
    return ok_status();
  });
  if (code == k_exit_ok) {
    const std::string what = flags.all ? "every service" : flags.service;
    std::printf("%s: suspended%s; the agent changes nothing of it until `tether resume %s`\n",
                what.c_str(),
                hold.until.empty() ? "" : (" until " + hold.until).c_str(),
                flags.all ? "--all" : flags.service.c_str());
  }
  return code;
}

int resume_command(const SettingsFlags& settings, const std::string& service, bool all) {
  if (Status target = check_target(service, all); !target) {
    print_error("resume", target.error());
    return k_exit_usage;
  }
  bool lifted = false;
  // resume --all is also the way out of a damaged holds file: a fresh, empty one, written
  // under the same lock as every other change to it.
  const int code = update_holds(
      "resume",
      settings,
      [&](HostSuspensions& holds) {
        if (all) {
          lifted = !holds.empty();
          holds = {};
        } else {
          lifted = holds.services.erase(service) != 0;
          if (holds.all && !lifted) {
            return Status{Error{"every service is suspended (" + holds.all->reason + ")",
                                "`tether resume --all` lifts that hold"}};
          }
        }
        return ok_status();
      },
      all ? Unreadable::start_afresh : Unreadable::refuse);
  if (code == k_exit_ok) {
    const std::string what = all ? "every service" : service;
    std::printf(lifted ? "%s: resumed; the agent's next pass converges it\n"
                       : "%s: no hold of this host's own to lift (a hold in Git is lifted by a "
                         "commit)\n",
                what.c_str());
  }
  return code;
}

}  // namespace tether
