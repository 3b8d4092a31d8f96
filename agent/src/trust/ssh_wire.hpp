#pragma once

// Internal to trust/: OpenSSL handle types and a bounds-checked reader of the SSH wire format,
// shared by the key loader and the signature verifier.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tether::ssh {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* handle) const {
    Free(handle);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;

inline const unsigned char* bytes_of(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

/// Bounds-checked reader over SSH wire format (RFC 4251 section 5): every read either fits
/// in what is left or fails without consuming anything.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : m_rest(data) {}

  std::optional<std::string_view> raw(size_t size) {
    if (size > m_rest.size()) return std::nullopt;
    const auto out = m_rest.substr(0, size);
    m_rest.remove_prefix(size);
    return out;
  }
  std::optional<uint32_t> u32() {
    const auto data = raw(4);
    if (!data) return std::nullopt;
    const auto* b = bytes_of(*data);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  }
  std::optional<std::string_view> string() {
    const auto saved = m_rest;
    const auto size = u32();
    auto out = size ? raw(*size) : std::nullopt;
    if (!out) m_rest = saved;
    return out;
  }
  /// A non-negative mpint's magnitude, leading zero bytes removed.
  std::optional<std::string_view> mpint() {
    auto value = string();
    if (!value || (!value->empty() && (bytes_of(*value)[0] & 0x80) != 0)) return std::nullopt;
    while (!value->empty() && value->front() == '\0') value->remove_prefix(1);
    return value;
  }
  [[nodiscard]] bool at_end() const { return m_rest.empty(); }

 private:
  std::string_view m_rest;
};

/// The reason OpenSSL gave for the last failure; also empties its per-thread error queue so
/// stale entries do not surface in unrelated code.
std::string openssl_reason();

/// `data` hashed with `md`, raw bytes.
std::string digest(std::string_view data, const EVP_MD* md);

}  // namespace tether::ssh
