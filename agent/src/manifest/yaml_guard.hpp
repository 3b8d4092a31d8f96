#pragma once

#include <cstddef>
#include <string_view>

namespace tether {

/// yaml-cpp 0.7 (Debian 12) never returns, allocating without bound, on a document whose root
/// is a flow collection or a quoted scalar followed by a comma: `{}, x`, `"a", b`, `[]\n,`.
/// Found by fuzzing; no valid YAML looks like that. Returns the 1-based line of such a comma,
/// or 0 when the text is safe to hand to yaml-cpp.
[[nodiscard]] size_t flow_root_comma_line(std::string_view text);

}  // namespace tether
