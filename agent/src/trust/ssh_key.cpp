#include "trust/ssh_key.hpp"

#include <climits>
#include <openssl/core_names.h>
#include <openssl/err.h>

#include <algorithm>
#include <array>

namespace tether {
namespace ssh {
namespace {

constexpr int k_min_rsa_bits = 2048;
constexpr int k_max_rsa_bits = 16384;

Result<PkeyPtr> key_from_params(const char* type, OSSL_PARAM_BLD* builder) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return Error{"cannot load the " + std::string(type) + " public key: " + openssl_reason(), ""};
  }
  return PkeyPtr(key);
}

Result<PkeyPtr> ed25519_key(WireReader& reader) {
  const auto raw = reader.string();
  if (!raw || raw->size() != 32 || !reader.at_end()) {
    return Error{"malformed ssh-ed25519 public key", ""};
  }
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes_of(*raw), raw->size()));
  if (!key) return Error{"cannot load the ssh-ed25519 key: " + openssl_reason(), ""};
  return key;
}

Result<PkeyPtr> ecdsa_key(WireReader& reader) {
  const auto curve = reader.string();
  const auto point = reader.string();
  if (!curve || *curve != "nistp256" || !point || point->size() != 65 || !reader.at_end()) {
    return Error{"malformed ecdsa-sha2-nistp256 public key", ""};
  }
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      !OSSL_PARAM_BLD_push_utf8_string(
          builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(
          builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(), point->size())) {
    return Error{"cannot load the ecdsa key: " + openssl_reason(), ""};
  }
  auto key = key_from_params("EC", builder.get());
  if (!key) return key;
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return Error{"ecdsa public key is not a point on nistp256: " + openssl_reason(), ""};
  }
  return key;
}

Result<PkeyPtr> rsa_key(WireReader& reader) {
  const auto e = reader.mpint();
  const auto n = reader.mpint();
  if (!e || !n || e->empty() || n->empty() || !reader.at_end()) {
    return Error{"malformed ssh-rsa public key", ""};
  }
  BignumPtr bn_e(BN_bin2bn(bytes_of(*e), static_cast<int>(e->size()), nullptr));
  BignumPtr bn_n(BN_bin2bn(bytes_of(*n), static_cast<int>(n->size()), nullptr));
  if (!bn_e || !bn_n) return Error{"cannot load the ssh-rsa key: " + openssl_reason(), ""};
  const int bits = BN_num_bits(bn_n.get());
  if (bits < k_min_rsa_bits || bits > k_max_rsa_bits) {
    return Error{"ssh-rsa key has " + std::to_string(bits) + " bits; accepted: " +
                     std::to_string(k_min_rsa_bits) + " to " + std::to_string(k_max_rsa_bits),
                 "use an ed25519 key (ssh-keygen -t ed25519)"};
  }
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return Error{"cannot load the ssh-rsa key: " + openssl_reason(), ""};
  }
  return key_from_params("RSA", builder.get());
}

}  // namespace

Result<PublicKey> parse_public_key(std::string_view blob) {
  WireReader reader(blob);
  const auto type = reader.string();
  if (!type) return Error{"malformed SSH public key (no key type)", ""};
  Result<PkeyPtr> key = Error{"unknown key type \"" + std::string(*type) +
                                  "\"; supported: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa",
                              ""};
  if (*type == "ssh-ed25519") key = ed25519_key(reader);
  if (*type == "ecdsa-sha2-nistp256") key = ecdsa_key(reader);
  if (*type == "ssh-rsa") key = rsa_key(reader);
  if (!key) return key.error();
  return PublicKey{std::string(*type), std::move(*key)};
}

std::string openssl_reason() {
  const char* reason = ERR_reason_error_string(ERR_peek_last_error());
  std::string out = reason != nullptr ? reason : "no reason given by OpenSSL";
  ERR_clear_error();
  return out;
}

std::string digest(std::string_view data, const EVP_MD* md) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr);
  return {reinterpret_cast<const char*>(out.data()), size};
}

}  // namespace ssh

using ssh::bytes_of;

Result<std::string> check_public_key(std::string_view key_blob) {
  auto key = ssh::parse_public_key(key_blob);
  if (!key) return key.error();
  return std::move(key->type);
}

std::string ssh_fingerprint(std::string_view key_blob) {
  const auto hash = ssh::digest(key_blob, EVP_sha256());
  std::string base64(4 * ((hash.size() + 2) / 3) + 1, '\0');
  const int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()),
                                   bytes_of(hash),
                                   static_cast<int>(hash.size()));
  base64.resize(static_cast<size_t>(std::max(size, 0)));
  while (base64.ends_with('=')) base64.pop_back();
  return "SHA256:" + base64;
}

Result<std::string> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > INT_MAX / 2) {
    return Error{"invalid base64 (length " + std::to_string(text.size()) +
                     " is not a positive multiple of 4)",
                 ""};
  }
  const size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  const auto is_alphabet = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
  };
  if (!std::all_of(text.begin(), text.end() - static_cast<std::ptrdiff_t>(padding), is_alphabet)) {
    return Error{"invalid base64 (unexpected character)", ""};
  }
  std::string out(text.size() / 4 * 3, '\0');
  // EVP_DecodeBlock counts the padding as zero bytes: drop them.
  const int size = EVP_DecodeBlock(
      reinterpret_cast<unsigned char*>(out.data()), bytes_of(text), static_cast<int>(text.size()));
  if (size < 0 || static_cast<size_t>(size) < padding) {
    ERR_clear_error();
    return Error{"invalid base64", ""};
  }
  out.resize(static_cast<size_t>(size) - padding);
  return out;
}

}  // namespace tether
