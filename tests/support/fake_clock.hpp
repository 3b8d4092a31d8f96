#pragma once

#include "core/clock.hpp"

#include <mutex>

namespace tether::test {

/// A Clock that only moves when slept on or advanced: timing logic runs instantly and exactly.
/// Safe to share between threads (the services of one wave): each sleep moves the one time.
class FakeClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override {
    const std::lock_guard lock(m_mutex);
    return m_now;
  }
  void sleep_for(Millis duration) override { advance(duration); }
  void advance(Millis duration) {
    const std::lock_guard lock(m_mutex);
    m_now += duration;
  }

 private:
  mutable std::mutex m_mutex;
  TimePoint m_now{};
};

}  // namespace tether::test
