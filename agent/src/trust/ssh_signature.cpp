#include "trust/ssh_signature.hpp"

#include <climits>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>

namespace tether {
namespace {

constexpr std::string_view k_begin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view k_end = "-----END SSH SIGNATURE-----";
constexpr std::string_view k_magic = "SSHSIG";
constexpr std::string_view k_namespace = "git";
constexpr size_t k_max_armored_size = 64 * 1024;  // a 16384-bit RSA signature is ~5 KiB
constexpr int k_min_rsa_bits = 2048;
constexpr int k_max_rsa_bits = 16384;

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

const unsigned char* bytes_of(std::string_view data) {
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

struct PublicKey {
  std::string type;
  PkeyPtr key;
};

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

/// The fields of an SSHSIG blob (OpenSSH PROTOCOL.sshsig), viewing into the decoded bytes.
struct SshSig {
  std::string_view public_key;
  std::string_view name_space;
  std::string_view reserved;
  std::string_view hash_algorithm;
  std::string_view signature_format;  ///< "ssh-ed25519", "rsa-sha2-512", ...
  std::string_view signature;         ///< the raw signature for that format
};

Result<std::string> dearmor(std::string_view text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  text.remove_prefix(start == std::string_view::npos ? text.size() : start);
  if (text.starts_with("-----BEGIN PGP SIGNATURE-----")) {
    return Error{"not an SSH signature (gpg signatures are not supported)",
                 "sign commits with an SSH key: git config gpg.format ssh"};
  }
  if (!text.starts_with(k_begin)) {
    return Error{"not an SSH signature: expected " + std::string(k_begin),
                 "sign commits with an SSH key: git config gpg.format ssh"};
  }
  if (text.size() > k_max_armored_size) return Error{"SSH signature is too large", ""};
  text.remove_prefix(k_begin.size());
  const auto end = text.find(k_end);
  if (end == std::string_view::npos) {
    return Error{"SSH signature has no " + std::string(k_end) + " line (truncated?)", ""};
  }
  if (text.substr(end + k_end.size()).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    return Error{"unexpected text after " + std::string(k_end), ""};
  }
  std::string base64;
  for (char c : text.substr(0, end)) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') base64.push_back(c);
  }
  auto blob = decode_base64(base64);
  if (!blob) return blob.error().with_context("SSH signature armor");
  return blob;
}

Result<SshSig> parse_sshsig(std::string_view blob) {
  WireReader reader(blob);
  const auto magic = reader.raw(k_magic.size());
  if (!magic || *magic != k_magic) return Error{"SSH signature does not start with SSHSIG", ""};
  const auto version = reader.u32();
  if (!version) return Error{"SSH signature is truncated (no version)", ""};
  if (*version != 1) {
    return Error{"SSH signature version " + std::to_string(*version) +
                     " is not supported; "
                     "expected 1",
                 ""};
  }
  SshSig sig;
  const auto public_key = reader.string();
  const auto name_space = reader.string();
  const auto reserved = reader.string();
  const auto hash_algorithm = reader.string();
  const auto signature = reader.string();
  if (!public_key || !name_space || !reserved || !hash_algorithm || !signature ||
      !reader.at_end()) {
    return Error{"SSH signature is truncated or malformed", "re-sign the commit"};
  }
  WireReader inner(*signature);
  const auto format = inner.string();
  const auto raw = inner.string();
  if (!format || !raw || !inner.at_end()) {
    return Error{"SSH signature is malformed (bad signature field)", "re-sign the commit"};
  }
  return SshSig{*public_key, *name_space, *reserved, *hash_algorithm, *format, *raw};
}

void append_string(std::string& out, std::string_view value) {
  const auto size = static_cast<uint32_t>(value.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(size >> shift));
  out.append(value);
}

/// What the signer actually signed: the message's hash wrapped with the SSHSIG header.
Result<std::string> signed_data(const SshSig& sig, std::string_view message) {
  const EVP_MD* md = sig.hash_algorithm == "sha512"   ? EVP_sha512()
                     : sig.hash_algorithm == "sha256" ? EVP_sha256()
                                                      : nullptr;
  if (md == nullptr) {
    return Error{"SSH signature uses hash \"" + std::string(sig.hash_algorithm) +
                     "\"; supported: sha256, sha512",
                 ""};
  }
  std::string data(k_magic);
  append_string(data, sig.name_space);
  append_string(data, sig.reserved);
  append_string(data, sig.hash_algorithm);
  append_string(data, digest(message, md));
  return data;
}

std::optional<std::string> ecdsa_der(std::string_view signature) {
  WireReader reader(signature);
  const auto r = reader.mpint();
  const auto s = reader.mpint();
  if (!r || !s || r->size() > 32 || s->size() > 32 || !reader.at_end()) return std::nullopt;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BignumPtr bn_r(BN_bin2bn(bytes_of(*r), static_cast<int>(r->size()), nullptr));
  BignumPtr bn_s(BN_bin2bn(bytes_of(*s), static_cast<int>(s->size()), nullptr));
  if (!sig || !bn_r || !bn_s || ECDSA_SIG_set0(sig.get(), bn_r.get(), bn_s.get()) != 1) {
    return std::nullopt;
  }
  bn_r.release();  // owned by sig now
  bn_s.release();
  unsigned char* der = nullptr;
  const int size = i2d_ECDSA_SIG(sig.get(), &der);
  if (size <= 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return out;
}

/// The digest and the signature bytes OpenSSL wants for `format` on a `key_type` key.
struct VerifyInput {
  const EVP_MD* md = nullptr;  // nullptr for ed25519, which hashes internally
  std::string signature;
};

Result<VerifyInput> verify_input(const PublicKey& key, const SshSig& sig) {
  const Error mismatch{"signature algorithm \"" + std::string(sig.signature_format) +
                           "\" does not fit a " + key.type + " key",
                       ""};
  if (key.type == "ssh-ed25519") {
    if (sig.signature_format != "ssh-ed25519") return mismatch;
    return VerifyInput{nullptr, std::string(sig.signature)};
  }
  if (key.type == "ecdsa-sha2-nistp256") {
    if (sig.signature_format != "ecdsa-sha2-nistp256") return mismatch;
    auto der = ecdsa_der(sig.signature);
    if (!der) return Error{"malformed ecdsa signature", "re-sign the commit"};
    return VerifyInput{EVP_sha256(), std::move(*der)};
  }
  if (sig.signature_format == "ssh-rsa") {
    return Error{"SHA-1 RSA signatures (ssh-rsa) are refused",
                 "re-sign with a current ssh-keygen (it uses rsa-sha2-512)"};
  }
  const EVP_MD* md = sig.signature_format == "rsa-sha2-512"   ? EVP_sha512()
                     : sig.signature_format == "rsa-sha2-256" ? EVP_sha256()
                                                              : nullptr;
  if (md == nullptr) return mismatch;
  // Like OpenSSH, accept a signature shorter than the modulus by restoring its leading zeros.
  const auto modulus_size = static_cast<size_t>(EVP_PKEY_get_size(key.key.get()));
  if (sig.signature.size() > modulus_size) return Error{"RSA signature is too long", ""};
  std::string padded(modulus_size - sig.signature.size(), '\0');
  padded.append(sig.signature);
  return VerifyInput{md, std::move(padded)};
}

Status verify_crypto(const PublicKey& key, const SshSig& sig, std::string_view message) {
  auto input = verify_input(key, sig);
  if (!input) return input.error();
  auto data = signed_data(sig, message);
  if (!data) return data.error();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool valid =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, input->md, nullptr, key.key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(),
                       bytes_of(input->signature),
                       input->signature.size(),
                       bytes_of(*data),
                       data->size()) == 1;
  ERR_clear_error();
  if (!valid) {
    return Error{"signature does not match the commit (tampered?)",
                 "the commit content was changed after signing, or the signature belongs to "
                 "another commit"};
  }
  return ok_status();
}

std::string key_type_of(std::string_view blob) {
  WireReader reader(blob);
  const auto type = reader.string();
  return type ? std::string(*type) : std::string("unknown key type");
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

/// The first line listing `key_blob` that may sign git commits at `at`.
Result<const AllowedSigner*> find_signer(const AllowedSigners& signers,
                                         std::string_view key_blob,
                                         std::chrono::system_clock::time_point at) {
  std::optional<Error> first_refusal;
  for (const auto& signer : signers.entries) {
    if (signer.key_blob != key_blob) continue;
    auto usable = check_signer_for_git(signers, signer, at);
    if (usable) return &signer;
    if (!first_refusal) first_refusal = usable.error();
  }
  if (first_refusal) return *first_refusal;
  return Error{"signed by a key not in allowed signers: " + ssh_fingerprint(key_blob) + " (" +
                   key_type_of(key_blob) + ")",
               "if this key is trusted, add it to " + signers.file};
}

}  // namespace

Result<SignatureCheck> verify_ssh_signature(std::string_view armored_signature,
                                            std::string_view message,
                                            const AllowedSigners& signers,
                                            std::chrono::system_clock::time_point at) {
  auto blob = dearmor(armored_signature);
  if (!blob) return blob.error();
  auto sig = parse_sshsig(*blob);
  if (!sig) return sig.error();
  if (sig->name_space != k_namespace) {
    return Error{"signature is for namespace \"" + std::string(sig->name_space) + "\", not \"git\"",
                 "git signs commits with ssh-keygen -Y sign -n git"};
  }
  auto signer = find_signer(signers, sig->public_key, at);
  if (!signer) return signer.error();
  auto key = parse_public_key(sig->public_key);
  if (!key) return key.error();
  if (auto status = verify_crypto(*key, *sig, message); !status) return status.error();
  return SignatureCheck{joined((*signer)->principals), key->type, ssh_fingerprint(sig->public_key)};
}

Result<std::string> check_public_key(std::string_view key_blob) {
  auto key = parse_public_key(key_blob);
  if (!key) return key.error();
  return std::move(key->type);
}

std::string ssh_fingerprint(std::string_view key_blob) {
  const auto hash = digest(key_blob, EVP_sha256());
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
