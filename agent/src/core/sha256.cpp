#include "core/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace tether {
namespace {

/// SHA-256 fetched from the provider once: EVP_sha256() makes each EVP_DigestInit_ex look the
/// implementation up again (OpenSSL 3), which cost more than hashing the few bytes of a
/// release id or config file does, and ReleaseId::dir_name hashes on every call.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}

}  // namespace

struct Sha256::Impl {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
  EVP_DigestInit_ex(m_impl->ctx.get(), sha256_md(), nullptr);
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  EVP_DigestUpdate(m_impl->ctx.get(), data.data(), data.size());
}

std::string Sha256::hex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_impl->ctx.get(), digest.data(), &length);
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(k_digits[digest[i] >> 4]);
    out.push_back(k_digits[digest[i] & 0x0f]);
  }
  return out;
}

std::string Sha256::of(std::string_view data) {
  Sha256 sha;
  sha.update(data);
  return sha.hex();
}

Result<std::string> Sha256::of_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{"cannot read " + path.string() + ": " + std::strerror(errno), ""};
  }
  Sha256 sha;
  std::array<char, 64 * 1024> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    sha.update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) {
    return Error{"read error on " + path.string(), ""};
  }
  return sha.hex();
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) {
    return false;
  }
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace tether
