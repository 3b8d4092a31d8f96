// The suspend half of a pass: which holds are in force (Git's and the host's own) and the
// journal lines that say when each starts and ends.
#include "agent/reconciler.hpp"
#include "apply/journal.hpp"
#include "apply/suspension_store.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "plan/suspension_plan.hpp"

#include <algorithm>

namespace tether {
namespace {

std::string hold_text(const Suspension& hold) {
  std::string text = hold.reason + " (" + hold.source;
  if (!hold.until.empty()) text += ", until " + hold.until;
  return text + ")";
}

}  // namespace

Suspensions Reconciler::holds_in_force(const Desired& desired, const Live& live) const {
  const HostSuspensions local = SuspensionStore(m_layout.suspensions()).load_or_hold_all();
  return suspensions_in_force(desired, live, local, now_rfc3339());
}

bool Reconciler::hold_ended() const {
  const std::string now = now_rfc3339();
  return std::any_of(m_holds_reported.begin(), m_holds_reported.end(), [&](const auto& entry) {
    return !entry.second.until.empty() && entry.second.until <= now;
  });
}

void Reconciler::report_holds(const std::string& state_commit, const Suspensions& holds) {
  const auto journal = [&](const std::string& service, const char* what, std::string reason) {
    JournalEntry entry{now_rfc3339(),
                       state_commit,
                       service,
                       what,
                       std::nullopt,
                       std::nullopt,
                       "ok",
                       "",
                       std::move(reason)};
    record_event(entry, what);
  };
  for (const auto& [name, hold] : holds) {
    const auto before = m_holds_reported.find(name);
    if (before != m_holds_reported.end() && before->second == hold) continue;
    log_warn("suspended", {{"service", name}, {"reason", hold.reason}, {"source", hold.source}});
    journal(name, "suspend", hold_text(hold));
  }
  for (const auto& [name, hold] : m_holds_reported) {
    if (holds.count(name) != 0) continue;
    log_info("resumed", {{"service", name}, {"was", hold.reason}});
    journal(name, "resume", "lifted: " + hold_text(hold));
  }
  m_holds_reported = holds;
}

}  // namespace tether
