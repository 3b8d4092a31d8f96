#pragma once

// Pieces of Prometheus's text exposition format shared by the /metrics writers (metrics.cpp,
// bake_view.cpp).

#include <string>

namespace tether::exposition {

/// A label value in quotes, with \, " and newline escaped as the format requires.
[[nodiscard]] std::string label(const std::string& value);

/// A sample value: shortest exact decimal, and NaN, +Inf, -Inf as the format spells them.
[[nodiscard]] std::string number(double value);

/// The # HELP and # TYPE lines that open the family `name`.
void family(std::string& out, const char* name, const char* type, const char* help);

}  // namespace tether::exposition
