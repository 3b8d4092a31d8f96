#include "cli/plan_text.hpp"

namespace tether {

std::string plan_as_text(const Plan& plan) {
  std::string out = "state commit " + plan.state_commit.substr(0, 12) + "\n";
  if (plan.empty() && plan.delayed.empty() && plan.blocked.empty() && plan.suspended.empty())
    out += "  no changes: the host matches the state repo\n";
  for (const ServiceAction& a : plan.actions) {
    out += "  " + a.service + ": " + to_string(a.kind) + " ";
    out += a.from ? a.from->short_text() + " -> " : std::string();
    out += a.to.short_text();
    if (a.kind == ActionKind::restart || a.kind == ActionKind::repair ||
        a.kind == ActionKind::reconfigure) {
      out += " (" + a.reason + ")";
    } else {
      out += a.install ? ", download and install" : ", already installed";
    }
    if (a.spec == SpecSource::serving) out += ", with the settings that last passed its gate";
    out += "\n";
  }
  for (const ServiceAction& r : plan.removals) {
    out += "  " + r.service + ": remove" + (r.from ? " " + r.from->short_text() : std::string()) +
           " (" + r.reason + ")\n";
  }
  for (const PruneAction& p : plan.prunes) {
    for (const std::string& dir : p.dir_names) out += "  " + p.service + ": prune " + dir + "\n";
  }
  for (const DelayedAction& d : plan.delayed) {
    out += "  " + d.action.service + ": " + to_string(d.action.kind) + " delayed " +
           format_duration(d.wait) + " (" + d.action.reason + "; " + std::to_string(d.attempts) +
           " in a row)\n";
  }
  for (const BlockedService& b : plan.blocked) {
    out += "  " + b.action.service + ": blocked on " + b.dependency + " (" + b.reason + ")\n";
  }
  for (const SuspendedService& s : plan.suspended) {
    const ServiceAction& a = s.action;
    out += "  " + a.service + ": suspended by " + s.suspension.source + " (" + s.suspension.reason +
           "): would " + to_string(a.kind) + " " +
           (a.from ? a.from->short_text() + (a.kind == ActionKind::remove ? "" : " -> ") : "") +
           (a.kind == ActionKind::remove ? "" : a.to.short_text()) + "\n";
  }
  for (const std::string& note : plan.notes) out += "  note: " + note + "\n";
  return out;
}

}  // namespace tether
