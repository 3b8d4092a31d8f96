#pragma once

#include <string_view>

namespace tether {

/// Orders release versions the way people read them ("1.10.0" after "1.9.2", "2.0.0-rc1"
/// before "2.0.0"): runs of digits compare as numbers, other runs as text, and a pre-release
/// suffix after '-' sorts before the plain version. Returns <0, 0 or >0.
[[nodiscard]] int compare_versions(std::string_view a, std::string_view b);

}  // namespace tether
