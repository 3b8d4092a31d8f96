#include "fleet/fleet_render.hpp"

namespace tether::fleet {
namespace {

using Json = nlohmann::json;

Json release_json(const std::optional<ReleaseView>& release) {
  if (!release || *release == ReleaseView{}) return nullptr;
  Json json = Json::object();
  if (!release->version.empty()) json["version"] = release->version;
  if (!release->commit.empty()) json["commit"] = release->commit;
  if (!release->image.empty()) json["image"] = release->image;
  return json;
}

Json pass_json(const std::optional<LastPass>& pass) {
  if (!pass) return nullptr;
  Json json = {{"time", pass->time}, {"outcome", pass->outcome}};
  if (!pass->problem.empty()) json["problem"] = pass->problem;
  return json;
}

Json row_json(const ServiceRow& row) {
  const StateCounts& c = row.counts;
  return {{"service", row.service},
          {"release", release_json(row.release)},
          {"releaseText", row.release.text()},
          {"hosts", c.hosts()},
          {"converged", c.converged},
          {"pending", c.pending},
          {"failed", c.failed},
          {"quarantined", c.quarantined},
          {"unhealthy", c.unhealthy},
          {"undeclared", c.undeclared},
          {"unknown", c.unknown}};
}

Json service_json(const ServiceView& service) {
  Json json = {{"service", service.service},
               {"state", to_string(effective_state(service))},
               {"desired", release_json(service.desired)},
               {"current", release_json(service.current)}};
  if (!service.last_error.empty()) json["lastError"] = service.last_error;
  if (!service.quarantine_reason.empty()) json["quarantineReason"] = service.quarantine_reason;
  if (service.wave > 0) {
    json["wave"] = {{"wave", service.wave},
                    {"waiting", service.waiting.empty() ? Json(nullptr) : Json(service.waiting)}};
  }
  return json;
}

Json host_json(const HostView& host, const std::string& only) {
  Json json = {{"url", host.target},
               {"host", host.name()},
               {"reachable", host.reachable()},
               {"desiredCommit", host.desired_commit},
               {"tipCommit", host.tip_commit},
               {"lastPass", pass_json(host.last_pass)},
               {"services", Json::array()}};
  if (!host.reachable()) json["problem"] = host.problem;
  for (const ServiceView& service : host.services) {
    if (only.empty() || service.service == only) json["services"].push_back(service_json(service));
  }
  return json;
}

Json wave_json(const WaveRow& row) {
  return {{"service", row.service},
          {"wave", row.wave},
          {"release", release_json(row.release)},
          {"hosts", row.hosts},
          {"converged", row.converged},
          {"waiting", {{"pause", row.pause}, {"halted", row.halted}}}};
}

}  // namespace

Json status_json(const std::vector<HostView>& hosts, const FleetSummary& summary) {
  Json json = {{"format", "tether.fleet-status/v1"},
               {"service", summary.service.empty() ? Json(nullptr) : Json(summary.service)},
               {"converged", summary.converged()},
               {"targets", summary.targets},
               {"answered", summary.answered},
               {"majorityCommit", summary.majority_commit},
               {"withoutPass", summary.without_pass},
               {"services", Json::array()},
               {"waves", Json::array()},
               {"unreachable", Json::array()},
               {"behind", Json::array()},
               {"tipNotApplied", Json::array()},
               {"hosts", Json::array()}};
  for (const ServiceRow& row : summary.rows) json["services"].push_back(row_json(row));
  for (const WaveRow& row : summary.waves) json["waves"].push_back(wave_json(row));
  for (const UnreachableHost& host : summary.unreachable)
    json["unreachable"].push_back({{"url", host.target}, {"problem", host.problem}});
  for (const BehindHost& host : summary.behind) {
    json["behind"].push_back({{"host", host.host},
                              {"url", host.target},
                              {"desiredCommit", host.desired_commit},
                              {"lastPass", pass_json(host.last_pass)}});
  }
  for (const TipNotApplied& host : summary.tip_not_applied) {
    json["tipNotApplied"].push_back({{"host", host.host},
                                     {"url", host.target},
                                     {"outcome", host.outcome},
                                     {"desiredCommit", host.desired_commit},
                                     {"tipCommit", host.tip_commit},
                                     {"problem", host.problem}});
  }
  for (const HostView& host : hosts) json["hosts"].push_back(host_json(host, summary.service));
  return json;
}

Json wait_json(const WaitGoal& goal, const GoalProgress& progress, WaitOutcome outcome) {
  Json json = {{"format", "tether.fleet-wait/v1"},
               {"goal",
                {{"service", goal.service},
                 {"version", goal.version},
                 {"commit", goal.commit},
                 {"percent", goal.percent}}},
               {"outcome", to_string(outcome)},
               {"done", progress.done},
               {"counted", progress.counted},
               {"ignored", progress.ignored},
               {"percentDone", progress.percent_done()},
               {"hosts", Json::array()}};
  for (const HostStanding& host : progress.hosts) {
    json["hosts"].push_back({{"host", host.host},
                             {"url", host.target},
                             {"standing", to_string(host.standing)},
                             {"detail", host.detail}});
  }
  return json;
}

}  // namespace tether::fleet
