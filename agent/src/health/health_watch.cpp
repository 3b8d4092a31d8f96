#include "health/health_watch.hpp"

#include "core/files.hpp"
#include "core/log.hpp"

namespace tether {
namespace {

/// How long after one probe the next is due: the declared interval, but never a busy loop.
std::chrono::steady_clock::duration watched_interval(const WatchTarget& target) {
  return std::max(target.health.interval, Millis(100));
}

}  // namespace

bool tally_probe(HealthState& state, const ProbeResult& result, const HealthSpec& health) {
  state.detail = result.detail;
  if (result.healthy) {
    state.failures = 0;
    if (state.healthy) return false;
    if (++state.successes < health.successes) return false;
    state.healthy = true;
    state.successes = 0;
    state.since.clear();
    return true;
  }
  state.successes = 0;
  ++state.failures;
  if (!state.healthy || state.failures < health.failure_threshold) return false;
  state.healthy = false;
  state.since = now_rfc3339();
  return true;
}

std::string describe_unhealthy(const HealthState& state) {
  return state.detail + "; " + std::to_string(state.failures) + " failed probe" +
         (state.failures == 1 ? "" : "s") + " in a row since " + state.since;
}

HealthWatch::HealthWatch(Prober& prober, OnChange on_change)
    : m_prober(prober), m_on_change(std::move(on_change)), m_thread([this] { run(); }) {}

HealthWatch::~HealthWatch() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void HealthWatch::watch(std::map<std::string, WatchTarget> targets) {
  {
    std::lock_guard lock(m_mutex);
    std::map<std::string, Watched> next;
    const auto now = std::chrono::steady_clock::now();
    for (auto& [name, target] : targets) {
      const auto due = now + watched_interval(target);
      Watched watched{std::move(target), {}, due};
      if (const auto it = m_watched.find(name);
          it != m_watched.end() && it->second.target == watched.target) {
        watched.state = it->second.state;
        watched.due = std::min(it->second.due, watched.due);
      }
      next.emplace(name, std::move(watched));
    }
    m_watched = std::move(next);
    m_paused = false;
    for (const auto& [name, watched] : m_watched)
      log_debug("health watch", {{"service", name}, {"generation", watched.target.generation}});
    ++m_epoch;
  }
  m_wake.notify_all();
}

void HealthWatch::pause() {
  std::lock_guard lock(m_mutex);
  m_paused = true;
  ++m_epoch;
}

std::map<std::string, HealthState> HealthWatch::unhealthy() const {
  std::lock_guard lock(m_mutex);
  std::map<std::string, HealthState> out;
  for (const auto& [name, watched] : m_watched) {
    if (!watched.state.healthy) out[name] = watched.state;
  }
  return out;
}

std::map<std::string, HealthState> HealthWatch::states() const {
  std::lock_guard lock(m_mutex);
  std::map<std::string, HealthState> out;
  for (const auto& [name, watched] : m_watched) out[name] = watched.state;
  return out;
}

bool HealthWatch::next_due(std::unique_lock<std::mutex>& lock,
                           std::string& service,
                           WatchTarget& target) {
  for (;;) {
    if (m_stopping) return false;
    auto first = m_watched.end();
    if (!m_paused) {
      for (auto it = m_watched.begin(); it != m_watched.end(); ++it) {
        if (first == m_watched.end() || it->second.due < first->second.due) first = it;
      }
    }
    if (first == m_watched.end()) {
      m_wake.wait(lock);
      continue;
    }
    const auto due = first->second.due;
    if (std::chrono::steady_clock::now() < due) {
      m_wake.wait_until(lock, due);
      continue;  // the set may have changed meanwhile
    }
    service = first->first;
    target = first->second.target;
    return true;
  }
}

void HealthWatch::run() {
  std::unique_lock lock(m_mutex);
  std::string service;
  WatchTarget target;
  while (next_due(lock, service, target)) {
    const unsigned long long epoch = m_epoch;
    lock.unlock();
    const ProbeResult result =
        m_prober.probe(target.health.probe, target.health.timeout, target.probe_dir);
    lock.lock();
    const auto it = m_watched.find(service);
    // A pass started (or the targets changed) while probing: the answer may be about a process
    // the pass has replaced, so it does not count.
    if (epoch != m_epoch || it == m_watched.end()) continue;
    Watched& watched = it->second;
    watched.due = std::chrono::steady_clock::now() + watched_interval(watched.target);
    if (!result.healthy)
      log_debug("health probe failed", {{"service", service}, {"detail", result.detail}});
    if (!tally_probe(watched.state, result, watched.target.health)) continue;
    const HealthState state = watched.state;
    lock.unlock();
    m_on_change(service, state);
    lock.lock();
  }
}

}  // namespace tether
