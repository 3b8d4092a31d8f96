#include "agent/restart_backoff.hpp"

#include <algorithm>

namespace tether {

RestartBackoff::RestartBackoff(const Clock& clock, Millis base, Millis cap, Millis stable)
    : m_clock(clock), m_base(base), m_cap(cap), m_stable(stable) {}

Millis RestartBackoff::delay_after(int restarts) const {
  if (restarts <= 0) return Millis(0);
  Millis delay = m_base;
  for (int i = 1; i < restarts && delay < m_cap; ++i) delay *= 2;
  return std::min(delay, m_cap);
}

Millis RestartBackoff::wait_left(const std::string& service) const {
  const auto it = m_entries.find(service);
  if (it == m_entries.end()) return Millis(0);
  const auto since = std::chrono::duration_cast<Millis>(m_clock.now() - it->second.last);
  return std::max(Millis(0), delay_after(it->second.restarts) - since);
}

bool RestartBackoff::allows(const std::string& service) const {
  return wait_left(service) == Millis(0);
}

void RestartBackoff::restarted(const std::string& service) {
  Entry& entry = m_entries[service];
  ++entry.restarts;
  entry.last = m_clock.now();
}

int RestartBackoff::restarts(const std::string& service) const {
  const auto it = m_entries.find(service);
  return it == m_entries.end() ? 0 : it->second.restarts;
}

Millis RestartBackoff::current_delay(const std::string& service) const {
  return delay_after(restarts(service));
}

void RestartBackoff::running(const std::string& service) {
  const auto it = m_entries.find(service);
  if (it != m_entries.end() && m_clock.now() - it->second.last >= m_stable) m_entries.erase(it);
}

}  // namespace tether
