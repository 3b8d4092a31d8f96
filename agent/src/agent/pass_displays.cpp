#include "agent/pass_displays.hpp"

#include "agent/pass_metrics.hpp"
#include "apply/drill_store.hpp"
#include "report/host_report.hpp"

#include <chrono>
#include <set>

namespace tether {
namespace {

/// What /status says of the host and its declared services, for `fleet status --prometheus`.
void add_declared(PassMetrics& metrics, const AgentStatus& status) {
  metrics.host_id = status.host;
  for (const auto& [name, service] : status.services) {
    metrics.declared[name] = DeclaredMetrics{to_string(service.state),
                                             service.desired.version,
                                             service.desired.commit,
                                             service.desired.image};
  }
}

}  // namespace

PassDisplays::PassDisplays(Layout layout, HostIdentity host, Metrics& metrics, StatusBoard& board)
    : m_layout(std::move(layout)), m_host(std::move(host)), m_metrics(metrics), m_board(board) {}

void PassDisplays::show_before_first_pass() {
  AgentStatus before_first_pass;
  before_first_pass.host = m_host.id;
  before_first_pass.labels = m_host.labels;
  m_board.publish(std::move(before_first_pass));
  m_board.publish_report(read_host_report(m_layout, m_report_hashes, m_journal));
}

void PassDisplays::show_pass(const PassResult& result,
                             const AgentStatus& status,
                             Clock::TimePoint::duration took) {
  const double finished =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double seconds = std::chrono::duration<double>(took).count();
  if (result.work.reused_last_pass && m_reported) {
    // Nothing under the root changed since the report on the board was read from it, nor
    // what the metrics say of each service.
    m_metrics.record_repeat(repeat_metrics_of(result, seconds, finished));
    m_board.publish_repeat(status);
    return;
  }
  HostReport report = report_after(result, status);
  // The report has just read history.json: the metrics count quarantines from the same read.
  PassMetrics metrics = metrics_of(result, seconds, finished, report.history);
  metrics.drills = DrillStore(drills_path(m_layout)).load();  // Rollback drills (#23)
  add_declared(metrics, status);
  m_metrics.record(metrics);
  m_reported = true;
  m_board.publish_report(std::move(report));
  m_board.publish(status);
}

HostReport PassDisplays::report_after(const PassResult& result, const AgentStatus& status) {
  // A pass without a desired state probed nothing: the report probes for itself, once.
  if (!result.desired) return read_host_report(m_layout, m_report_hashes, m_journal);
  std::set<std::string> probed;
  for (const auto& [name, service] : result.desired->services) probed.insert(name);
  return host_report_after_pass(m_layout, result.live_after, probed, m_journal, status);
}

}  // namespace tether
