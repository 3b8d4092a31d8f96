#include "fleet/fleet_render.hpp"

#include <algorithm>

namespace tether::fleet {
namespace {

std::string commit12(const std::string& commit) {
  return commit.empty() ? "-" : commit.substr(0, 12);
}

std::string plural(int count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

std::string pass_text(const std::optional<LastPass>& pass) {
  if (!pass) return "-";
  return pass->outcome + " " + pass->time;
}

std::string service_table(const FleetSummary& summary) {
  if (summary.rows.empty()) {
    return summary.service.empty() ? "no agent reports a service\n"
                                   : "no answering host declares or runs " + summary.service + "\n";
  }
  const bool unknown = std::any_of(summary.rows.begin(), summary.rows.end(), [](const auto& row) {
    return row.counts.unknown > 0;
  });
  // Shown only when a host has one, so that the everyday table stays narrow.
  const bool unhealthy = std::any_of(summary.rows.begin(), summary.rows.end(), [](const auto& row) {
    return row.counts.unhealthy > 0;
  });
  std::vector<std::vector<std::string>> rows = {{"SERVICE",
                                                 "RELEASE",
                                                 "HOSTS",
                                                 "CONVERGED",
                                                 "PENDING",
                                                 "FAILED",
                                                 "QUARANTINED",
                                                 "UNDECLARED"}};
  if (unhealthy) rows[0].insert(rows[0].begin() + 7, "UNHEALTHY");
  if (unknown) rows[0].push_back("UNKNOWN");
  for (const ServiceRow& row : summary.rows) {
    const StateCounts& c = row.counts;
    rows.push_back({row.service,
                    row.release.text(),
                    std::to_string(c.hosts()),
                    std::to_string(c.converged),
                    std::to_string(c.pending),
                    std::to_string(c.failed),
                    std::to_string(c.quarantined),
                    std::to_string(c.undeclared)});
    if (unhealthy) rows.back().insert(rows.back().begin() + 7, std::to_string(c.unhealthy));
    if (unknown) rows.back().push_back(std::to_string(c.unknown));
  }
  return table(rows);
}

std::string waiting_text(const WaveRow& row) {
  std::string text;
  if (row.pause > 0) text = std::to_string(row.pause) + " pause";
  if (row.halted > 0) text += (text.empty() ? "" : ", ") + std::to_string(row.halted) + " halted";
  return text.empty() ? "-" : text;
}

/// Rollouts in waves: where each wave stands; nothing when no service rolls out in waves.
std::string waves_text(const FleetSummary& summary) {
  if (summary.waves.empty()) return "";
  std::vector<std::vector<std::string>> rows = {
      {"SERVICE", "WAVE", "RELEASE", "HOSTS", "CONVERGED", "WAITING"}};
  for (const WaveRow& row : summary.waves) {
    rows.push_back({row.service,
                    std::to_string(row.wave),
                    row.release.text(),
                    std::to_string(row.hosts),
                    std::to_string(row.converged),
                    waiting_text(row)});
  }
  return "\nrollouts in waves (waiting: pause, the wave is not due; halted, the fleet analysis "
         "stopped the rollout)\n" +
         table(rows);
}

std::string unreachable_text(const FleetSummary& summary) {
  if (summary.unreachable.empty()) return "";
  std::vector<std::vector<std::string>> rows = {{"URL", "PROBLEM"}};
  for (const UnreachableHost& host : summary.unreachable)
    rows.push_back({host.target, host.problem});
  return "\nunreachable: " + std::to_string(summary.unreachable.size()) + " of " +
         plural(summary.targets, "target", "targets") + "\n" + table(rows);
}

std::string behind_text(const FleetSummary& summary) {
  if (summary.behind.empty()) return "";
  std::vector<std::vector<std::string>> rows = {{"HOST", "URL", "DESIRED", "LAST PASS", "PROBLEM"}};
  for (const BehindHost& host : summary.behind) {
    rows.push_back({host.host,
                    host.target,
                    commit12(host.desired_commit),
                    pass_text(host.last_pass),
                    host.last_pass ? host.last_pass->problem : ""});
  }
  return "\nbehind: " + plural(static_cast<int>(summary.behind.size()), "host", "hosts") +
         " converging to another state commit than " + commit12(summary.majority_commit) + " (" +
         plural(summary.majority_hosts, "host", "hosts") + ")\n" + table(rows);
}

std::string tip_text(const FleetSummary& summary) {
  if (summary.tip_not_applied.empty()) return "";
  std::vector<std::vector<std::string>> rows = {
      {"HOST", "URL", "LAST PASS", "APPLIED", "TIP", "PROBLEM"}};
  for (const TipNotApplied& host : summary.tip_not_applied) {
    rows.push_back({host.host,
                    host.target,
                    host.outcome,
                    commit12(host.desired_commit),
                    commit12(host.tip_commit),
                    host.problem});
  }
  return "\ntip not applied: " +
         plural(static_cast<int>(summary.tip_not_applied.size()), "host", "hosts") +
         " keep their last good state commit (the tip was refused, or the state repo is "
         "unreachable)\n" +
         table(rows);
}

void add_host_rows(const HostView& host,
                   const std::string& only,
                   std::vector<std::vector<std::string>>& rows) {
  if (!host.reachable()) {
    rows.push_back({host.name(), host.target, "-", "-", "unreachable", "-", "-", host.problem});
    return;
  }
  std::vector<std::string> common = {host.name(), host.target, commit12(host.desired_commit)};
  bool any = false;
  for (const ServiceView& service : host.services) {
    if (!only.empty() && service.service != only) continue;
    any = true;
    rows.push_back(common);
    rows.back().insert(rows.back().end(),
                       {service.service,
                        to_string(effective_state(service)),
                        service.current ? service.current->text() : "-",
                        pass_text(host.last_pass),
                        service.problem()});
  }
  if (any) return;
  rows.push_back(common);
  rows.back().insert(rows.back().end(), {"-", "-", "-", pass_text(host.last_pass), ""});
}

std::string host_table(const std::vector<HostView>& hosts, const std::string& only) {
  std::vector<std::vector<std::string>> rows = {
      {"HOST", "URL", "DESIRED", "SERVICE", "STATE", "LIVE", "LAST PASS", "LAST ERROR"}};
  for (const HostView& host : hosts) add_host_rows(host, only, rows);
  return "\n" + table(rows);
}

std::string verdict(const FleetSummary& summary) {
  std::string text = summary.converged() ? "converged: " : "not converged: ";
  text += std::to_string(summary.answered) + " of " + plural(summary.targets, "target", "targets") +
          " answered";
  int unsettled = 0;
  for (const ServiceRow& row : summary.rows)
    unsettled += row.counts.hosts() - row.counts.converged - row.counts.undeclared;
  if (unsettled > 0) text += ", " + std::to_string(unsettled) + " not converged";
  if (!summary.behind.empty()) text += ", " + std::to_string(summary.behind.size()) + " behind";
  const auto ended = [&](const char* outcome) {
    return std::count_if(summary.tip_not_applied.begin(),
                         summary.tip_not_applied.end(),
                         [&](const TipNotApplied& host) { return host.outcome == outcome; });
  };
  if (const auto refused = ended("refused"); refused > 0)
    text += ", " + std::to_string(refused) + " refused the tip";
  if (const auto cut_off = ended("unreachable"); cut_off > 0)
    text += ", " + std::to_string(cut_off) + " cannot reach the state repo";
  if (summary.without_pass > 0)
    text += ", " + std::to_string(summary.without_pass) + " not through a first pass yet";
  return "\n" + text + "\n";
}

}  // namespace

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

std::string status_text(const std::vector<HostView>& hosts,
                        const FleetSummary& summary,
                        HostTable host_table_shown) {
  std::string out = service_table(summary) + waves_text(summary) + unreachable_text(summary) +
                    tip_text(summary) + behind_text(summary);
  if (host_table_shown == HostTable::show) out += host_table(hosts, summary.service);
  return out + verdict(summary);
}

std::string progress_line(const WaitGoal& goal, const GoalProgress& progress) {
  return goal.text() + ": " + std::to_string(progress.done) + " of " +
         plural(progress.counted, "host", "hosts") + " (" +
         std::to_string(progress.percent_done()) + "%) converged, want " +
         std::to_string(goal.percent) + "%";
}

std::string wait_text(const WaitGoal& goal,
                      const GoalProgress& progress,
                      const FleetSummary& summary,
                      WaitOutcome outcome) {
  std::string out = service_table(summary) + "\n" + progress_line(goal, progress) + ": ";
  switch (outcome) {
    case WaitOutcome::met:
      out += "met\n";
      break;
    case WaitOutcome::timed_out:
      out += "timed out\n";
      break;
    case WaitOutcome::quarantined:
      out += "stopped, a host quarantined it (see --no-fail-on-quarantine)\n";
      break;
  }
  if (progress.ignored > 0) {
    out += progress.ignored == 1
               ? std::string("1 answering host neither declares nor runs ")
               : std::to_string(progress.ignored) + " answering hosts neither declare nor run ";
    out += goal.service + " (not counted)\n";
  }
  std::vector<std::vector<std::string>> rows = {{"HOST", "URL", "STANDING", "DETAIL"}};
  for (const HostStanding& host : progress.hosts) {
    if (host.standing != Standing::done)
      rows.push_back({host.host, host.target, to_string(host.standing), host.detail});
  }
  if (rows.size() == 1) return out;
  return out + "\nstill missing: " + std::to_string(rows.size() - 1) + "\n" + table(rows);
}

}  // namespace tether::fleet
