#pragma once

#include "core/duration.hpp"

#include <chrono>
#include <thread>

namespace tether {

/// Monotonic time and sleeping, behind an interface so timing logic (health deadlines,
/// backoff) is unit-tested without waiting.
class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimePoint now() const = 0;
  virtual void sleep_for(Millis duration) = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return std::chrono::steady_clock::now(); }
  void sleep_for(Millis duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace tether
