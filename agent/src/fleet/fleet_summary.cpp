#include "fleet/fleet_summary.hpp"

#include "core/version_order.hpp"

#include <algorithm>
#include <map>

namespace tether::fleet {
namespace {

bool row_before(const ServiceRow& a, const ServiceRow& b) {
  if (a.service != b.service) return a.service < b.service;
  if (const int order = compare_versions(a.release.version, b.release.version); order != 0)
    return order < 0;
  return a.release < b.release;
}

std::vector<ServiceRow> service_rows(const std::vector<HostView>& hosts, std::string_view only) {
  std::map<std::pair<std::string, ReleaseView>, StateCounts> counts;
  for (const HostView& host : hosts) {
    for (const ServiceView& service : host.services) {
      if (!only.empty() && service.service != only) continue;
      const ReleaseView release =
          service.desired ? *service.desired : service.current.value_or(ReleaseView{});
      counts[{service.service, release}].add(effective_state(service));
    }
  }
  std::vector<ServiceRow> rows;
  for (const auto& [key, count] : counts) rows.push_back(ServiceRow{key.first, key.second, count});
  std::sort(rows.begin(), rows.end(), row_before);
  return rows;
}

void find_behind(const std::vector<HostView>& hosts, FleetSummary& summary) {
  std::map<std::string, int> votes;
  for (const HostView& host : hosts) {
    if (host.reachable() && !host.desired_commit.empty()) ++votes[host.desired_commit];
  }
  for (const auto& [commit, count] : votes) {
    if (count > summary.majority_hosts) {
      summary.majority_commit = commit;
      summary.majority_hosts = count;
    }
  }
  if (summary.majority_commit.empty()) return;
  for (const HostView& host : hosts) {
    if (host.reachable() && host.desired_commit != summary.majority_commit)
      summary.behind.push_back({host.name(), host.target, host.desired_commit, host.last_pass});
  }
}

std::vector<TipNotApplied> hosts_off_tip(const std::vector<HostView>& hosts) {
  std::vector<TipNotApplied> out;
  for (const HostView& host : hosts) {
    if (!host.reachable() || !host.tip_not_applied()) continue;
    out.push_back({host.name(),
                   host.target,
                   host.last_pass->outcome,
                   host.desired_commit,
                   host.tip_commit,
                   host.last_pass->problem});
  }
  return out;
}

}  // namespace

void StateCounts::add(FleetState state) {
  switch (state) {
    case FleetState::converged:
      ++converged;
      return;
    case FleetState::pending:
      ++pending;
      return;
    case FleetState::failed:
      ++failed;
      return;
    case FleetState::quarantined:
      ++quarantined;
      return;
    case FleetState::unhealthy:
      ++unhealthy;
      return;
    case FleetState::undeclared:
      ++undeclared;
      return;
    case FleetState::unknown:
      break;
  }
  ++unknown;
}

int StateCounts::hosts() const {
  return converged + pending + failed + quarantined + unhealthy + undeclared + unknown;
}

bool StateCounts::settled() const {
  return pending == 0 && failed == 0 && quarantined == 0 && unhealthy == 0 && unknown == 0;
}

bool FleetSummary::converged() const {
  if (!unreachable.empty() || !behind.empty() || !tip_not_applied.empty() || without_pass > 0)
    return false;
  if (!service.empty() && rows.empty()) return false;
  return std::all_of(
      rows.begin(), rows.end(), [](const auto& row) { return row.counts.settled(); });
}

FleetSummary summarize(const std::vector<HostView>& hosts, std::string_view service) {
  FleetSummary summary;
  summary.service = std::string(service);
  summary.targets = static_cast<int>(hosts.size());
  for (const HostView& host : hosts) {
    if (host.reachable()) {
      ++summary.answered;
      if (!host.last_pass) ++summary.without_pass;
    } else {
      summary.unreachable.push_back({host.target, host.problem});
    }
  }
  summary.rows = service_rows(hosts, service);
  summary.waves = wave_rows(hosts, service);
  find_behind(hosts, summary);
  summary.tip_not_applied = hosts_off_tip(hosts);
  return summary;
}

}  // namespace tether::fleet
