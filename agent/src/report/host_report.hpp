#pragma once

#include "apply/journal.hpp"
#include "core/layout.hpp"
#include "live/hash_cache.hpp"
#include "model/history.hpp"
#include "model/live.hpp"
#include "proposal/proposal_store.hpp"
#include "report/agent_status.hpp"
#include "report/latest_journal_entries.hpp"
#include "report/table.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>

namespace tether {

/// What `tether status` and the API's GET /status say about a host, read from its root.
struct HostReport {
  std::string root;
  std::string state_commit;  ///< the last commit applied ("" before the first)
  Live live;
  std::map<std::string, JournalEntry> last_change;  ///< newest journal entry per service
  History history;
  std::optional<AgentStatus> last_pass;  ///< as the agent recorded it (state/last-pass.json)
  proposal::Proposals proposals;         ///< revert proposals (state/revert-proposals.json)
};

/// Reads the report from disk (never modifies anything).
[[nodiscard]] HostReport read_host_report(const Layout& layout, HashCache& hashes);
/// The same for a running agent, whose `journal` is kept across passes.
[[nodiscard]] HostReport read_host_report(const Layout& layout,
                                          HashCache& hashes,
                                          LatestJournalEntries& journal);
/// The report after a pass of the running agent, built from what the pass probed (`live`)
/// instead of probing again; only containers of services not in `probed` (no longer declared)
/// are asked of their runtime. The API serves this, so a request runs no runtime command.
/// `journal` is the agent's own, kept across passes: a pass reads only the new journal lines.
/// `last_pass` is the pass's status as just saved to state/last-pass.json: not read back from
/// it (a JSON document of every service, parsed again on each pass that changed something).
[[nodiscard]] HostReport host_report_after_pass(const Layout& layout,
                                                Live live,
                                                const std::set<std::string>& probed,
                                                LatestJournalEntries& journal,
                                                const AgentStatus& last_pass);
/// The JSON document of `tether status --json` and GET /status.
[[nodiscard]] nlohmann::json report_json(const HostReport& report);
/// The text of `tether status`: a header line, one table row per service, then a note for
/// each service that needs an operator (quarantine, damage, a failed last change).
[[nodiscard]] std::string report_text(const Layout& layout,
                                      const HostReport& report,
                                      Colour colour = Colour::off);

}  // namespace tether
