#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tether {

/// The offset of the first byte of `text` that is not part of well-formed UTF-8 (RFC 3629: no
/// overlong forms, no surrogates, nothing above U+10FFFF), or std::string_view::npos when all
/// of it is.
[[nodiscard]] size_t invalid_utf8_offset(std::string_view text);

[[nodiscard]] inline bool is_valid_utf8(std::string_view text) {
  return invalid_utf8_offset(text) == std::string_view::npos;
}

/// `text` with every byte that is not valid UTF-8 written as \xNN, for messages about it.
[[nodiscard]] std::string escape_invalid_utf8(std::string_view text);

}  // namespace tether
