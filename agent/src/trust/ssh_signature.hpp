#pragma once

#include "core/result.hpp"
#include "trust/allowed_signers.hpp"
#include "trust/ssh_key.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace tether {

/// Who made a verified signature.
struct SignatureCheck {
  std::string principal;    ///< the principals of the matching allowed signers line, as written
  std::string key_type;     ///< "ssh-ed25519", "ecdsa-sha2-nistp256" or "ssh-rsa"
  std::string fingerprint;  ///< "SHA256:..." as `ssh-keygen -l` prints it

  bool operator==(const SignatureCheck&) const = default;
};

/// Verifies that `armored_signature` (`-----BEGIN SSH SIGNATURE-----`, as git stores it in a
/// commit's gpgsig header) is a valid SSHSIG over `message` in namespace "git", made by a key
/// in `signers` whose line allows namespace "git" and is valid at `at` (git uses the commit's
/// committer date). Key types: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa with rsa-sha2-256/512
/// signatures (SHA-1 "ssh-rsa" signatures and RSA keys under 2048 bits are refused).
/// Every failure is an Error saying what is wrong; hostile input never reads out of bounds.
[[nodiscard]] Result<SignatureCheck> verify_ssh_signature(std::string_view armored_signature,
                                                          std::string_view message,
                                                          const AllowedSigners& signers,
                                                          std::chrono::system_clock::time_point at);

}  // namespace tether
