#pragma once

#include "core/clock.hpp"

namespace tether::test {

/// A Clock that only moves when slept on or advanced: timing logic runs instantly and exactly.
class FakeClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return m_now; }
  void sleep_for(Millis duration) override { m_now += duration; }
  void advance(Millis duration) { m_now += duration; }

 private:
  TimePoint m_now{};
};

}  // namespace tether::test
