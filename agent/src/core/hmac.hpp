#pragma once

#include <string>
#include <string_view>

namespace tether {

/// HMAC-SHA256 of `data` under `key`, lowercase hex (OpenSSL).
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// HMAC-SHA1 of `data` under `key`, raw bytes (known_hosts' hashed host names).
[[nodiscard]] std::string hmac_sha1_raw(std::string_view key, std::string_view data);

/// Compares two strings in time that depends only on their lengths, so an attacker probing a
/// signature learns nothing from how fast a wrong guess is rejected.
[[nodiscard]] bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace tether
