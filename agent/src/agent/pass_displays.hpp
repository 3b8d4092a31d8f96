#pragma once

#include "agent/reconciler.hpp"
#include "api/metrics.hpp"
#include "api/status_board.hpp"
#include "core/clock.hpp"
#include "live/hash_cache.hpp"
#include "report/agent_status.hpp"
#include "report/host_report.hpp"
#include "report/latest_journal_entries.hpp"

namespace tether {

/// What a daemon shows of its passes while it runs: GET /metrics and GET /status (the agent's
/// status and the host report). `run --once` has none.
class PassDisplays {
 public:
  PassDisplays(Layout layout, HostIdentity host, Metrics& metrics, StatusBoard& board);

  /// Before the first pass: who the agent is and what the host runs now (read from disk).
  void show_before_first_pass();
  /// After a pass: its metrics (`took`: how long it ran), the host report from what it probed
  /// (from disk when it had no desired state to probe for), and last the status it left, so a
  /// client that sees this pass's status on GET /status sees its report and metrics too.
  void show_pass(const PassResult& result,
                 const AgentStatus& status,
                 Clock::TimePoint::duration took);

 private:
  /// The host report after `result`, from what the pass probed.
  [[nodiscard]] HostReport report_after(const PassResult& result, const AgentStatus& status);

  Layout m_layout;
  HostIdentity m_host;
  Metrics& m_metrics;
  StatusBoard& m_board;
  HashCache m_report_hashes{m_layout.hash_cache()};  ///< for reports of passes that probed nothing
  LatestJournalEntries m_journal{
      m_layout.journal()};  ///< read on from where the last pass left off
  /// A report was published after a pass: one that reused its predecessor (nothing under the
  /// root changed, the state dir included) leaves it and the per-service metrics as they are.
  bool m_reported = false;
};

}  // namespace tether
