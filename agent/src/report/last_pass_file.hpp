#pragma once

#include "core/layout.hpp"
#include "report/agent_status.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace tether {

/// `<root>/state/last-pass.json`: how the agent's last pass ended (outcome, why a commit was
/// refused or the repo unreachable, per-service errors), so `tether status` can say it after
/// the agent exited or from another shell. Rewritten atomically, and only when something other
/// than the time changed: a daemon polling an unchanged repo does not write on every poll.
class LastPassFile {
 public:
  explicit LastPassFile(const Layout& layout) : m_path(layout.state_dir() / "last-pass.json") {}

  /// Records `status`; a failure (read-only root, full disk) is logged once, not returned:
  /// the pass itself already happened. `same_services`: its services are those of the status
  /// given to the previous call (a pass that reused the last one), so only the rest is compared.
  void save(const AgentStatus& status, bool same_services = false);
  /// The last recorded pass, or nullopt when none was recorded (or the file is unreadable).
  [[nodiscard]] std::optional<AgentStatus> load() const;

 private:
  fs::path m_path;
  std::optional<AgentStatus> m_saved;
  bool m_saved_last_call = false;  ///< m_saved holds the services of the previous call's status
  bool m_warned = false;
};

/// {"time", "outcome", "problem"?}: the `lastPass` shape of GET /status.
[[nodiscard]] nlohmann::json last_pass_json(const AgentStatus& status);

}  // namespace tether
