#include "trust/ssh_signature.hpp"

#include "trust/ssh_key.hpp"
#include "trust/ssh_wire.hpp"

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

using namespace ssh;  // NOLINT: the wire helpers of this module

constexpr std::string_view k_begin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view k_end = "-----END SSH SIGNATURE-----";
constexpr std::string_view k_magic = "SSHSIG";
constexpr std::string_view k_namespace = "git";
constexpr size_t k_max_armored_size = 64 * 1024;  // a 16384-bit RSA signature is ~5 KiB

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

}  // namespace tether
