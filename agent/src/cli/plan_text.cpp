#include "cli/plan_text.hpp"

namespace tether {

std::string plan_as_text(const Plan& plan) {
  std::string out = "state commit " + plan.state_commit.substr(0, 12) + "\n";
  if (plan.empty()) out += "  no changes: the host matches the state repo\n";
  for (const ServiceAction& a : plan.actions) {
    out += "  " + a.service + ": " + to_string(a.kind) + " ";
    out += a.from ? a.from->short_text() + " -> " : std::string();
    out += a.to.short_text();
    if (a.kind == ActionKind::restart || a.kind == ActionKind::repair) {
      out += " (" + a.reason + ")";
    } else {
      out += a.install ? ", download and install" : ", already installed";
    }
    out += "\n";
  }
  for (const PruneAction& p : plan.prunes) {
    for (const std::string& dir : p.dir_names) out += "  " + p.service + ": prune " + dir + "\n";
  }
  for (const std::string& note : plan.notes) out += "  note: " + note + "\n";
  return out;
}

}  // namespace tether
