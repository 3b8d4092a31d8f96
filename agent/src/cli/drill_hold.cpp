#include "cli/drill_hold.hpp"

#include "apply/journal.hpp"
#include "apply/suspension_store.hpp"
#include "cli/wake_agent.hpp"
#include "core/files.hpp"

#include <chrono>
#include <fstream>
#include <thread>

namespace tether {
namespace {

/// Edits the host's holds under their lock (as `tether suspend` does).
template <class Change>
Status update_holds(const Layout& layout, Change change) {
  auto lock = FileLock::acquire(layout.suspensions().string() + ".lock");
  if (!lock) return lock.error();
  const SuspensionStore store(layout.suspensions());
  auto holds = store.load();
  if (!holds) return holds.error();
  if (Status changed = change(*holds); !changed) return changed;
  return store.save(*holds);
}

/// The size of the journal now: where the lines the agent appends from now on start.
std::streamoff journal_end(const fs::path& journal) {
  std::error_code ec;
  const auto size = fs::file_size(journal, ec);
  return ec ? 0 : static_cast<std::streamoff>(size);
}

/// Whether a line after `from` of the journal is the agent's `suspend` of `service` for the
/// hold whose reason carries `token`.
bool journaled(const fs::path& journal,
               std::streamoff from,
               const std::string& service,
               const std::string& token) {
  std::ifstream in(journal);
  in.seekg(from);
  std::string line;
  while (std::getline(in, line)) {
    const auto entry = from_json_line(line);
    if (entry && entry->service == service && entry->action == "suspend" &&
        entry->reason.find(token) != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace

DrillHold::DrillHold(Layout layout,
                     std::string service,
                     std::string token,
                     std::optional<FileLock> lock)
    : m_layout(std::move(layout)),
      m_service(std::move(service)),
      m_token(std::move(token)),
      m_lock(std::move(lock)) {}

DrillHold::DrillHold(DrillHold&& other) noexcept
    : m_layout(other.m_layout),
      m_service(std::move(other.m_service)),
      m_token(std::move(other.m_token)),
      m_lock(std::move(other.m_lock)),
      m_active(other.m_active) {
  other.m_active = false;
}

DrillHold::~DrillHold() {
  if (m_active) lift();
}

Result<DrillHold> DrillHold::take(const Layout& layout, const std::string& service, Millis wait) {
  if (Status made = make_dirs(layout.state_dir()); !made) return made.error();
  if (auto lock = FileLock::acquire(layout.lock_file())) {
    return DrillHold(layout, service, "", std::move(*lock));
  }
  const std::string token = "rollback drill " + now_rfc3339();
  const std::streamoff from = journal_end(layout.journal());
  const auto now = std::chrono::system_clock::now();
  const Suspension hold{
      token, "tether drill", rfc3339_of(now), rfc3339_of(now + k_drill_hold_limit)};
  Status set = update_holds(layout, [&](HostSuspensions& holds) -> Status {
    if (holds.all || holds.services.count(service) != 0)
      return Error{service + " is suspended on this host; a drill would lift that hold",
                   "drill after `tether resume`"};
    holds.services[service] = hold;
    return ok_status();
  });
  if (!set) return set.error();
  DrillHold held(layout, service, token, std::nullopt);
  wake_agent(layout);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!journaled(layout.journal(), from, service, token)) {
    if (std::chrono::steady_clock::now() > deadline)
      return Error{"the agent did not take up the drill's hold on " + service + " in time",
                   "is the agent stuck in a long pass? see `tether status`, then try again"};
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Result<DrillHold>(std::move(held));
}

void DrillHold::lift() {
  if (m_lock) return;  // no agent: the lock goes with this object
  (void)update_holds(m_layout, [&](HostSuspensions& holds) -> Status {
    const auto it = holds.services.find(m_service);
    if (it != holds.services.end() && it->second.reason == m_token) holds.services.erase(it);
    return ok_status();
  });
  wake_agent(m_layout);
}

}  // namespace tether
