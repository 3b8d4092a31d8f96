#include "fleet/fleet_render.hpp"
#include "fleet/plan_summary.hpp"

namespace tether::fleet {
namespace {

using nlohmann::json;

std::string drift_cell(const ServicePlan& service) {
  if (!service.drift) return "-";
  return std::string(service.repairs_drift ? "repaired: " : "stays: ") + service.drift_reason;
}

/// HOST, SERVICE, LIVE, DESIRED, ACTION, DRIFT, REASON rows (no header).
std::vector<std::vector<std::string>> rows_of(const FleetPlan& plan) {
  std::vector<std::vector<std::string>> rows;
  for (const HostPlan& host : plan.hosts) {
    if (!host.ok()) {
      const bool unreachable = !host.unreachable.empty();
      rows.push_back({host.name(),
                      "-",
                      "-",
                      "-",
                      unreachable ? "unreachable" : "error",
                      "-",
                      unreachable ? host.unreachable : host.error});
      continue;
    }
    size_t shown = 0;
    for (const ServicePlan& s : host.services) {
      if (!s.changes() && !s.drift && s.action != "held") continue;
      rows.push_back(
          {host.name(), s.service, s.live, s.desired, s.action, drift_cell(s), s.reason});
      ++shown;
    }
    if (shown == 0) rows.push_back({host.name(), "-", "-", "-", "none", "-", "no change"});
  }
  return rows;
}

const std::vector<std::string> k_header = {
    "HOST", "SERVICE", "LIVE", "DESIRED", "ACTION", "DRIFT", "REASON"};

/// Why some hosts would refuse the tip, once (their agents say the same).
std::string trust_line(const FleetPlan& plan) {
  for (const HostPlan& host : plan.hosts) {
    if (host.ok() && !host.admitted) {
      return "the tip is " + host.signature + " (" + host.trust_detail +
             "): agents that verify signatures would refuse it until it is signed";
    }
  }
  return "";
}

std::string markdown_cell(std::string text) {
  std::string out;
  for (const char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string plan_text(const FleetPlan& plan) {
  std::string out = plan_headline(plan) + "\n";
  if (const std::string trust = trust_line(plan); !trust.empty()) out += "warning: " + trust + "\n";
  std::vector<std::vector<std::string>> rows = {k_header};
  for (auto& row : rows_of(plan)) rows.push_back(std::move(row));
  return out + "\n" + table(rows);
}

std::string plan_markdown(const FleetPlan& plan) {
  std::string commit;
  for (const HostPlan& host : plan.hosts) {
    if (host.ok() && commit.empty()) commit = host.commit.substr(0, 12);
  }
  std::string out = "### tether plan preview: `" + plan.ref + "`";
  if (!commit.empty()) out += " at `" + commit + "`";
  out += "\n\n**" + plan_headline(plan) + "**\n\n";
  if (const std::string trust = trust_line(plan); !trust.empty())
    out += "> ⚠️ " + trust + "\n\n";
  out += "Live state of each host (not the last applied commit), planned by its own agent.\n\n";
  out += "|";
  for (const std::string& title : k_header) out += " " + title + " |";
  out += "\n|";
  for (size_t i = 0; i < k_header.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& row : rows_of(plan)) {
    out += "|";
    for (const std::string& cell : row) out += " " + markdown_cell(cell) + " |";
    out += "\n";
  }
  return out;
}

json plan_json(const FleetPlan& plan) {
  json changes = json::array();
  for (const ChangeGroup& group : plan.changes) {
    changes.push_back({{"action", group.action},
                       {"service", group.service},
                       {"from", group.from_version},
                       {"to", group.to_version},
                       {"count", group.hosts.size()},
                       {"hosts", group.hosts}});
  }
  json hosts = json::array();
  json unreachable = json::array();
  json errored = json::array();
  size_t answered = 0;
  for (const HostPlan& host : plan.hosts) {
    json services = json::array();
    for (const ServicePlan& s : host.services) {
      services.push_back({{"service", s.service},
                          {"action", s.action},
                          {"reason", s.reason},
                          {"live", s.live},
                          {"desired", s.desired},
                          {"drift", s.drift},
                          {"driftReason", s.drift_reason},
                          {"repairsDrift", s.repairs_drift}});
    }
    const std::string problem = !host.unreachable.empty() ? host.unreachable : host.error;
    if (!host.unreachable.empty())
      unreachable.push_back({{"url", host.target}, {"problem", problem}});
    if (!host.error.empty()) errored.push_back({{"url", host.target}, {"problem", problem}});
    answered += host.unreachable.empty() ? 1 : 0;
    hosts.push_back({{"url", host.target},
                     {"host", host.name()},
                     {"ok", host.ok()},
                     {"problem", problem},
                     {"refName", host.ref_name},
                     {"commit", host.commit},
                     {"signature", host.signature},
                     {"admitted", host.admitted},
                     {"services", services}});
  }
  return {{"format", "tether.fleet-plan/v1"},
          {"ref", plan.ref},
          {"headline", plan_headline(plan)},
          {"complete", plan.complete()},
          {"targets", plan.hosts.size()},
          {"answered", answered},
          {"changes", changes},
          {"driftRepaired", plan.drift_repaired},
          {"driftKept", plan.drift_kept},
          {"refusing", plan.refusing},
          {"unreachable", unreachable},
          {"errored", errored},
          {"hosts", hosts}};
}

}  // namespace tether::fleet
