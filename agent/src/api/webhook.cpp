#include "api/webhook.hpp"

#include "core/hmac.hpp"

#include <cctype>

namespace tether {

bool webhook_signature_valid(std::string_view header,
                             std::string_view body,
                             std::string_view secret) {
  constexpr std::string_view k_prefix = "sha256=";
  if (secret.empty() || header.substr(0, k_prefix.size()) != k_prefix) return false;
  std::string given(header.substr(k_prefix.size()));
  for (char& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return equal_constant_time(given, hmac_sha256_hex(secret, body));
}

std::string webhook_secret_of(std::string file_content) {
  while (!file_content.empty() && (file_content.back() == '\n' || file_content.back() == '\r')) {
    file_content.pop_back();
  }
  return file_content;
}

}  // namespace tether
