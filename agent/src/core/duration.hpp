#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tether {

using Millis = std::chrono::milliseconds;

/// Parses "250ms", "10s", "5m", "2h". Returns nullopt for anything else (no spaces, no sign,
/// no fractions) so callers can say what was expected.
[[nodiscard]] std::optional<Millis> parse_duration(std::string_view text);

/// The shortest exact spelling: 1500ms -> "1500ms", 60000ms -> "1m".
[[nodiscard]] std::string format_duration(Millis duration);

}  // namespace tether
