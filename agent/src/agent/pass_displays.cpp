#include "agent/pass_displays.hpp"

#include "agent/pass_metrics.hpp"
#include "apply/history_store.hpp"
#include "report/host_report.hpp"

#include <chrono>
#include <set>

namespace tether {

PassDisplays::PassDisplays(Layout layout, HostIdentity host, Metrics& metrics, StatusBoard& board)
    : m_layout(std::move(layout)), m_host(std::move(host)), m_metrics(metrics), m_board(board) {}

void PassDisplays::show_before_first_pass() {
  AgentStatus before_first_pass;
  before_first_pass.host = m_host.id;
  before_first_pass.labels = m_host.labels;
  m_board.publish(std::move(before_first_pass));
  m_board.publish_report(read_host_report(m_layout, m_report_hashes));
}

void PassDisplays::show_pass(const PassResult& result,
                             const AgentStatus& status,
                             Clock::TimePoint::duration took) {
  const double finished =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const History history = HistoryStore(m_layout.history()).load().value_or(History{});
  m_metrics.record(
      metrics_of(result, std::chrono::duration<double>(took).count(), finished, history));
  show_report(result);
  m_board.publish(status);
}

void PassDisplays::show_report(const PassResult& result) {
  std::set<std::string> probed;
  if (result.desired) {
    for (const auto& [name, service] : result.desired->services) probed.insert(name);
  }
  Live live = result.desired ? result.live_after : read_host_report(m_layout, m_report_hashes).live;
  m_board.publish_report(host_report_after_pass(m_layout, std::move(live), probed, m_journal));
}

}  // namespace tether
