#include "apply/applier.hpp"

#include "apply/current_link.hpp"
#include "apply/release_installer.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

#include <map>

namespace tether {
namespace {

JournalRelease journal_release(const ReleaseId& id) {
  return JournalRelease{id.version, id.commit, id.dir_name()};
}

std::string text_of(const std::optional<ReleaseId>& id) { return id ? id->short_text() : "-"; }

}  // namespace

Applier::Applier(Layout layout, ExecSupervisor supervisor, Journal journal)
    : m_layout(std::move(layout)),
      m_supervisor(std::move(supervisor)),
      m_journal(std::move(journal)) {}

Status Applier::restart_on(const DesiredService& desired, const std::string& dir) const {
  const auto* exec = std::get_if<ExecRun>(&*desired.service.run);
  if (Status stopped = m_supervisor.stop(desired.service.name, exec->stop_timeout); !stopped)
    return stopped;
  auto started = m_supervisor.start(desired.service.name, *exec, dir);
  if (!started) return started.error();
  return ok_status();
}

Status Applier::apply_action(const ServiceAction& action,
                             const DesiredService& desired,
                             const LiveService* live,
                             const std::string& state_commit) const {
  const std::string& name = action.service;
  if (!desired.service.run || !std::holds_alternative<ExecRun>(*desired.service.run)) {
    return Error{name + ": run.systemd is not supported by this agent build yet",
                 "use run.exec, or wait for systemd support"};
  }
  if (action.install) {
    if (Status installed = install_release(m_layout, desired, state_commit); !installed) {
      return installed.error().with_context(name + ": install of " + action.to.short_text() +
                                            " failed");
    }
  }
  const std::string target = action.to.dir_name();
  if (!action.switch_current) return restart_on(desired, target);

  // Stop before switching: if the agent dies in between, the next pass sees `current` on the
  // new release with nothing running and starts it.
  const auto* exec = std::get_if<ExecRun>(&*desired.service.run);
  if (Status stopped = m_supervisor.stop(name, exec->stop_timeout); !stopped) return stopped;
  if (Status switched = switch_current(m_layout, name, target); !switched) return switched;
  auto started = m_supervisor.start(name, *exec, target);
  if (started) return ok_status();

  const std::optional<std::string> previous = live != nullptr ? live->current_dir : std::nullopt;
  if (!previous || live->find(*previous) == nullptr) return started.error();
  log_warn("new release failed to start; switching back",
           {{"service", name}, {"to", *previous}, {"error", started.error().message}});
  if (Status back = switch_current(m_layout, name, *previous); !back) {
    return Error{started.error().message + "; switching back also failed: " + back.error().message,
                 ""};
  }
  if (auto restarted = m_supervisor.start(name, *exec, *previous); !restarted) {
    return Error{started.error().message +
                     "; restarting the previous release also failed: " + restarted.error().message,
                 ""};
  }
  return Error{started.error().message + "; switched back to " + *previous, started.error().hint};
}

void Applier::prune(const PruneAction& prune, const std::string& state_commit) const {
  for (const std::string& dir : prune.dir_names) {
    const fs::path path = m_layout.release_dir(prune.service, dir);
    const fs::path aside = path.parent_path() / (".old-" + dir);
    std::error_code ec;
    // Rename first so a half-deleted dir is never mistaken for a release.
    fs::rename(path, aside, ec);
    if (!ec) fs::remove_all(aside, ec);
    JournalEntry entry{now_rfc3339(),
                       state_commit,
                       prune.service,
                       "prune",
                       JournalRelease{"", "", dir},
                       std::nullopt,
                       ec ? "failed" : "ok",
                       ec ? ec.message() : ""};
    if (Status logged = m_journal.append(entry); !logged)
      log_error("journal write failed", {{"error", logged.error().message}});
    log_info("pruned release", {{"service", prune.service}, {"release", dir}});
  }
}

std::vector<ApplyOutcome> Applier::apply(const Plan& plan,
                                         const Desired& desired,
                                         const Live& live) const {
  std::vector<ApplyOutcome> outcomes;
  std::map<std::string, bool> failed;
  for (const ServiceAction& action : plan.actions) {
    const auto live_it = live.find(action.service);
    const LiveService* live_service = live_it == live.end() ? nullptr : &live_it->second;
    const std::string kind = to_string(action.kind);
    log_info("applying",
             {{"service", action.service},
              {"action", kind},
              {"from", text_of(action.from)},
              {"to", action.to.short_text()},
              {"stateCommit", plan.state_commit}});
    const Status status =
        apply_action(action, desired.services.at(action.service), live_service, plan.state_commit);
    JournalEntry entry{now_rfc3339(),
                       plan.state_commit,
                       action.service,
                       kind,
                       std::nullopt,
                       journal_release(action.to),
                       status ? "ok" : "failed",
                       status ? "" : status.error().describe()};
    if (action.from) entry.from = journal_release(*action.from);
    if (Status logged = m_journal.append(entry); !logged) {
      log_error("journal write failed", {{"error", logged.error().message}});
    }
    if (status) {
      log_info("applied",
               {{"service", action.service},
                {"action", kind},
                {"from", text_of(action.from)},
                {"to", action.to.short_text()},
                {"stateCommit", plan.state_commit}});
    } else {
      log_error("apply failed",
                {{"service", action.service},
                 {"action", kind},
                 {"to", action.to.short_text()},
                 {"stateCommit", plan.state_commit},
                 {"error", status.error().describe()}});
      failed[action.service] = true;
    }
    outcomes.push_back(ApplyOutcome{
        action.service, action.kind, status.ok(), status ? "" : status.error().describe()});
  }
  for (const PruneAction& p : plan.prunes) {
    if (!failed[p.service]) prune(p, plan.state_commit);
  }
  return outcomes;
}

}  // namespace tether
