#include "agent/poll_schedule.hpp"

#include <algorithm>

namespace tether {

Millis PollSchedule::next(int consecutive_failures, double unit_random) const {
  const double spread = jitter_percent / 100.0;
  const double factor = 1.0 - spread + 2.0 * spread * unit_random;
  Millis base = interval;
  for (int i = 0; i < consecutive_failures && base < max_backoff; ++i) base *= 2;
  base = std::max(interval, std::min(base, max_backoff));
  return Millis(static_cast<long long>(static_cast<double>(base.count()) * factor));
}

Millis PollSchedule::first(double unit_random) const {
  const double window = static_cast<double>(interval.count()) * jitter_percent / 100.0;
  return Millis(static_cast<long long>(window * unit_random));
}

}  // namespace tether
