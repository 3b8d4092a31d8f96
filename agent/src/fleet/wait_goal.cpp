#include "fleet/wait_goal.hpp"

#include <algorithm>
#include <tuple>

namespace tether::fleet {
namespace {

std::string runs_text(const ServiceView& service) {
  std::string text = "runs " + (service.current ? service.current->text() : "nothing");
  if (service.desired && service.desired != service.current)
    text += ", declares " + service.desired->text();
  if (const std::string problem = service.problem(); !problem.empty()) text += ": " + problem;
  return text;
}

Standing standing_of(const ServiceView& service, const WaitGoal& goal) {
  switch (effective_state(service)) {
    case FleetState::converged:
      return service.current && goal.matches(*service.current) ? Standing::done
                                                               : Standing::other_release;
    case FleetState::pending:
      return Standing::pending;
    case FleetState::failed:
      return Standing::failed;
    case FleetState::quarantined:
      return Standing::quarantined;
    case FleetState::unhealthy:
      return Standing::unhealthy;
    case FleetState::undeclared:
      return Standing::undeclared;
    case FleetState::unknown:
      break;
  }
  return Standing::unknown;
}

/// A host whose agent does not apply the branch tip is not done, however its service runs: the
/// release it runs is the last good commit's, which need not be what the branch declares.
/// Failures of the service itself say more and stay.
void hold_to_tip(const HostView& host, Standing& standing, std::string& detail) {
  if (!host.tip_not_applied()) return;
  if (standing != Standing::done && standing != Standing::other_release &&
      standing != Standing::pending && standing != Standing::unknown) {
    return;
  }
  const bool refused = host.last_pass->outcome == "refused";
  standing = refused ? Standing::tip_refused : Standing::repo_unreachable;
  detail += "; " + (host.last_pass->problem.empty()
                        ? std::string(refused ? "the tip was refused" : "the repo is unreachable")
                        : host.last_pass->problem);
}

bool missing_first(const HostStanding& a, const HostStanding& b) {
  const bool a_done = a.standing == Standing::done;
  const bool b_done = b.standing == Standing::done;
  if (a_done != b_done) return b_done;
  if (a.standing != b.standing) return a.standing < b.standing;
  return std::tie(a.host, a.target) < std::tie(b.host, b.target);
}

}  // namespace

bool WaitGoal::matches(const ReleaseView& release) const {
  return release.version == version && release.commit.compare(0, commit.size(), commit) == 0;
}

std::string WaitGoal::text() const {
  return service + " " + version + (commit.empty() ? "" : " (commit " + commit + ")");
}

const char* to_string(Standing standing) {
  switch (standing) {
    case Standing::done:
      return "done";
    case Standing::pending:
      return "pending";
    case Standing::failed:
      return "failed";
    case Standing::quarantined:
      return "quarantined";
    case Standing::unhealthy:
      return "unhealthy";
    case Standing::tip_refused:
      return "tip-refused";
    case Standing::repo_unreachable:
      return "repo-unreachable";
    case Standing::other_release:
      return "other-release";
    case Standing::undeclared:
      return "undeclared";
    case Standing::unknown:
      return "unknown";
    case Standing::unreachable:
      break;
  }
  return "unreachable";
}

const char* to_string(WaitOutcome outcome) {
  switch (outcome) {
    case WaitOutcome::met:
      return "met";
    case WaitOutcome::timed_out:
      return "timed-out";
    case WaitOutcome::quarantined:
      break;
  }
  return "quarantined";
}

int GoalProgress::percent_done() const { return counted == 0 ? 0 : done * 100 / counted; }

GoalProgress check_goal(const std::vector<HostView>& hosts, const WaitGoal& goal) {
  GoalProgress progress;
  for (const HostView& host : hosts) {
    if (!host.reachable()) {
      progress.hosts.push_back({host.name(), host.target, Standing::unreachable, host.problem});
      continue;
    }
    const ServiceView* service = host.find(goal.service);
    if (service == nullptr || (!service->desired && !service->current)) {
      ++progress.ignored;
      continue;
    }
    Standing standing = standing_of(*service, goal);
    std::string detail = runs_text(*service);
    hold_to_tip(host, standing, detail);
    progress.hosts.push_back({host.name(), host.target, standing, std::move(detail)});
    if (standing == Standing::done) ++progress.done;
    if (standing == Standing::quarantined && service->desired && goal.matches(*service->desired))
      progress.quarantined = true;
  }
  progress.counted = static_cast<int>(progress.hosts.size());
  std::sort(progress.hosts.begin(), progress.hosts.end(), missing_first);
  progress.met = progress.counted > 0 && progress.done * 100 >= goal.percent * progress.counted;
  return progress;
}

}  // namespace tether::fleet
