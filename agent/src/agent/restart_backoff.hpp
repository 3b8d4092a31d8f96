#pragma once

#include "core/clock.hpp"

#include <map>
#include <string>

namespace tether {

/// Spaces out restarts (and drift repairs) of a service that keeps needing them: the n-th in a
/// row waits `base * 2^(n-1)` (capped) after the previous one. A service seen running `stable`
/// after its last restart starts again from zero. In memory: a new agent process starts afresh.
class RestartBackoff {
 public:
  RestartBackoff(const Clock& clock, Millis base, Millis cap, Millis stable);

  /// True when a restart of `service` may happen now.
  [[nodiscard]] bool allows(const std::string& service) const;
  /// How long until it may (0 when allowed).
  [[nodiscard]] Millis wait_left(const std::string& service) const;
  void restarted(const std::string& service);
  /// Restarts in a row so far (0 once reset).
  [[nodiscard]] int restarts(const std::string& service) const;
  /// The wait the next restart gets after the last one (0 before the first).
  [[nodiscard]] Millis current_delay(const std::string& service) const;
  /// The service's process was found running.
  void running(const std::string& service);
  /// Starts `service` from zero (a change succeeded).
  void reset(const std::string& service) { m_entries.erase(service); }

 private:
  struct Entry {
    int restarts = 0;
    Clock::TimePoint last{};
  };
  [[nodiscard]] Millis delay_after(int restarts) const;

  const Clock& m_clock;
  Millis m_base;
  Millis m_cap;
  Millis m_stable;
  std::map<std::string, Entry> m_entries;
};

}  // namespace tether
