#pragma once

#include <chrono>
#include <cstdint>

namespace tether {

/// agent.yaml `network:`: the limits every HTTP transfer of the agent runs under, so that no
/// server (slow, silent or hostile) can hold a pass longer than an operator decided.
struct NetworkLimits {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};
  /// A transfer slower than this many bytes/s for `low_speed_time` is abandoned.
  std::int64_t low_speed_bytes_per_second = 1024;
  std::chrono::milliseconds low_speed_time{std::chrono::seconds(30)};
  /// An artifact download must end within base + per_mib * size in MiB (its Content-Length).
  std::chrono::milliseconds download_deadline_base{std::chrono::minutes(2)};
  std::chrono::milliseconds download_deadline_per_mib{std::chrono::seconds(2)};
  bool operator==(const NetworkLimits&) const = default;
};

}  // namespace tether
