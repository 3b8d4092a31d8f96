// A service no longer declared for this host: stop what runs, remove `current`, keep its
// releases (a `git revert` of the removal reinstalls nothing), journal it.
#include "apply/applier.hpp"
#include "apply/applier_context.hpp"
#include "container/container_record.hpp"
#include "container/container_switcher.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/serving_record.hpp"

namespace tether {
namespace {

/// What runs of `live`, as far as the agent knows it: the serving record's spec, else an exec
/// process with the default stop timeout.
DesiredService running_of(const LiveService& live) {
  DesiredService running;
  running.service.name = live.name;
  running.service.run = ExecRun{};
  if (live.serving) running = as_serving(running, *live.serving);
  return running;
}

}  // namespace

ApplyOutcome Applier::remove(const ServiceAction& action,
                             const Live& live,
                             const std::string& state_commit,
                             History& history) const {
  const std::string& name = action.service;
  log_info("removing: no longer declared for this host",
           {{"service", name}, {"stateCommit", state_commit}});
  LiveService nothing;
  nothing.name = name;
  const auto it = live.find(name);
  const DesiredService running = running_of(it == live.end() ? nothing : it->second);
  Status stopped = ok_status();
  if (const auto container = read_container_record(m_layout, name)) {
    stopped = m_containers != nullptr ? m_containers->remove_service(name, container->runtime)
                                      : Status(no_container_runtime(name));
  } else {
    stopped = m_runner.shut_down(running);
  }
  if (stopped) {
    std::error_code ec;
    fs::remove(m_layout.current_link(name), ec);
    fs::remove(container_record_path(m_layout, name), ec);
    remove_serving_record(m_layout, name);
    history[name].quarantine.reset();
  }
  JournalEntry entry{now_rfc3339(),
                     state_commit,
                     name,
                     "remove",
                     std::nullopt,
                     std::nullopt,
                     stopped ? "ok" : "failed",
                     stopped ? "" : stopped.error().describe(),
                     action.reason};
  if (action.from) entry.from = journal_release(*action.from);
  const bool repeat = !stopped && repeats_last_failure(entry);
  if (!repeat) record(entry);
  if (stopped) {
    forget_failure(name);
    log_info("removed", {{"service", name}, {"stateCommit", state_commit}});
  } else if (!repeat) {
    log_error("removal failed", {{"service", name}, {"error", stopped.error().describe()}});
  }
  return ApplyOutcome{
      name, ActionKind::remove, stopped.ok(), false, stopped ? "" : stopped.error().describe()};
}

}  // namespace tether
