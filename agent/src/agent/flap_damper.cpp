#include "agent/flap_damper.hpp"

#include <algorithm>

namespace tether {

FlapDamper::FlapDamper(const Clock& clock, DampingSettings settings)
    : m_clock(clock),
      m_settings(settings),
      m_backoff(clock, settings.base, settings.cap, settings.stable) {}

std::string FlapDamper::failure(const std::string& service, const DesiredService& desired) const {
  const auto it = m_entries.find(service);
  if (it == m_entries.end() || it->second.failed_fingerprint != desired.fingerprint) return "";
  return it->second.failure;
}

Conditions FlapDamper::conditions(const Desired& desired,
                                  const std::map<std::string, std::string>& unhealthy,
                                  bool bypass_holds) const {
  Conditions conditions;
  for (const auto& [name, service] : desired.services) {
    ServiceCondition condition;
    condition.failure = failure(name, service);
    condition.hold = bypass_holds ? Millis(0) : m_backoff.wait_left(name);
    condition.attempts = m_backoff.restarts(name);
    if (const auto it = m_entries.find(name); it != m_entries.end())
      condition.failed_fingerprint = it->second.failed_fingerprint;
    if (const auto it = unhealthy.find(name); it != unhealthy.end())
      condition.unhealthy = it->second;
    if (condition != ServiceCondition{}) conditions[name] = condition;
  }
  return conditions;
}

void FlapDamper::acted(const ServiceAction& action,
                       bool ok,
                       bool rolled_back,
                       const std::string& error) {
  Entry& entry = m_entries[action.service];
  entry.trouble = m_clock.now();
  const bool damped = action.kind == ActionKind::restart || action.kind == ActionKind::repair;
  if (damped || (!ok && !rolled_back)) {
    m_backoff.restarted(action.service);
    if (damped) entry.worst = std::max(entry.worst, m_backoff.restarts(action.service));
  } else if (ok) {
    m_backoff.reset(action.service);  // a change went through: its retries start afresh
  }
  if (ok) {
    entry.failure.clear();
    entry.failed_fingerprint.clear();
  } else if (!rolled_back) {
    entry.failure = error;
    entry.failed_fingerprint = action.fingerprint;
    entry.degraded = true;
  }
}

bool FlapDamper::delayed(const DelayedAction& delayed) {
  Entry& entry = m_entries[delayed.action.service];
  entry.degraded = true;
  entry.trouble = m_clock.now();
  if (entry.journaled_step == delayed.attempts) return false;
  entry.journaled_step = delayed.attempts;
  return true;
}

bool FlapDamper::recovery_due() const {
  const Clock::TimePoint now = m_clock.now();
  return std::any_of(m_entries.begin(), m_entries.end(), [&](const auto& entry) {
    return entry.second.degraded && now - entry.second.trouble >= m_settings.stable;
  });
}

std::optional<Recovery> FlapDamper::observe(const std::string& service, bool healthy) {
  if (healthy) m_backoff.running(service);
  const auto it = m_entries.find(service);
  if (it == m_entries.end()) return std::nullopt;
  Entry& entry = it->second;
  if (!healthy) {
    entry.trouble = m_clock.now();
    return std::nullopt;
  }
  if (!entry.degraded || m_clock.now() - entry.trouble < m_settings.stable) return std::nullopt;
  std::string summary = "up for " + format_duration(m_settings.stable);
  if (entry.worst > 0) {
    summary += " after " + std::to_string(entry.worst) + " restarts or repairs in a row";
  } else {
    summary += " after a failed change";
  }
  m_entries.erase(it);
  return Recovery{service, summary};
}

}  // namespace tether
