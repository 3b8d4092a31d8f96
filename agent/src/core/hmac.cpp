#include "core/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace tether {

namespace {

std::string hmac_raw(const EVP_MD* digest_kind, std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(digest_kind,
       key.data(),
       static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()),
       data.size(),
       digest,
       &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  static constexpr char k_hex[] = "0123456789abcdef";
  const std::string digest = hmac_raw(EVP_sha256(), key, data);
  std::string out;
  out.reserve(digest.size() * 2);
  for (const char byte : digest) {
    const auto value = static_cast<unsigned char>(byte);
    out += k_hex[value >> 4];
    out += k_hex[value & 0xf];
  }
  return out;
}

std::string hmac_sha1_raw(std::string_view key, std::string_view data) {
  return hmac_raw(EVP_sha1(), key, data);
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tether
