#pragma once

#include <cstddef>
#include <string>

namespace tether {

/// yaml-cpp 0.7 (Debian 12) never returns from YAML::LoadAll, allocating a null document per
/// turn until memory runs out, when a comma stands where a document's next node would start:
/// after a complete root node (`{}, x`, `"a", b`, `- a\n, x`, `|\n  a\n, x`, `&a , x`) or
/// before any (`, x`). Its parser leaves that token unconsumed and reports one more empty
/// document at the same place on every call. Found by fuzzing (first `{}, x`: a hang; then
/// `- a\n, x` and the like: a 2 GiB out-of-memory).
///
/// Runs yaml-cpp's event parser over the text first and stops at the first document that
/// starts where the previous one did. Returns the 1-based line of that comma, or 0 when
/// YAML::LoadAll is safe to call on the text (it may still throw YAML::Exception).
[[nodiscard]] size_t stray_comma_line(const std::string& text);

}  // namespace tether
