#pragma once

#include "core/result.hpp"
#include "trust/ssh_wire.hpp"

#include <string>
#include <string_view>

namespace tether {

/// The key type named in an SSH public key blob, once the key is known to be of a supported
/// type and loads (well-formed, point on the curve, RSA size in range). Otherwise an Error.
[[nodiscard]] Result<std::string> check_public_key(std::string_view key_blob);

/// "SHA256:" + unpadded base64 of SHA-256(`key_blob`), as `ssh-keygen -l` prints it.
[[nodiscard]] std::string ssh_fingerprint(std::string_view key_blob);

/// Strict base64 (RFC 4648, padded, no whitespace) to bytes; an Error on anything else.
[[nodiscard]] Result<std::string> decode_base64(std::string_view text);

namespace ssh {

/// A public key blob loaded into OpenSSL.
struct PublicKey {
  std::string type;  ///< "ssh-ed25519", "ecdsa-sha2-nistp256" or "ssh-rsa"
  PkeyPtr key;
};

/// Loads an SSH public key blob (RFC 4253 6.6 / RFC 5656 3.1 / RFC 8709).
[[nodiscard]] Result<PublicKey> parse_public_key(std::string_view blob);

}  // namespace ssh
}  // namespace tether
