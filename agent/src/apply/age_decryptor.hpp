#pragma once

// secrets (#23): the one adapter for age. Config files declared `encryption: age` are decrypted
// by running the age CLI (Debian's `age` package), not by linking a library: there is no C++ age
// library in Debian, and reimplementing X25519 + ChaCha20-Poly1305 + HKDF + the STREAM format
// here would be new crypto code to audit. The CLI is run with argv (no shell), a hard timeout,
// its output read from a pipe and bounded; the plaintext is never written anywhere but the
// release being built.

#include "core/result.hpp"
#include "process/command_runner.hpp"

#include <filesystem>
#include <string>

namespace tether {

/// What the agent decrypts with (agent.yaml `secrets`).
struct SecretSettings {
  std::filesystem::path age_identity_file = "/etc/tether/age.key";
  bool operator==(const SecretSettings&) const = default;
};

/// The largest decrypted file accepted (the process runner keeps 64 KiB of a stream): a file
/// that decrypts to more is refused, never cut short.
inline constexpr size_t k_max_secret_bytes = 64 * 1024 - 1;

/// Refuses an identity file that is missing, a symlink, not a regular file, not owned by the
/// agent's user, or open to group or others (a private key readable by other users is not
/// private). The Error says how to fix it.
[[nodiscard]] Status check_age_identity(const std::filesystem::path& identity);

/// Decrypts the age file at `ciphertext` with `identity` (already checked) through `runner`.
/// `source` names the file for errors: a host whose identity is not among the file's recipients
/// gets an Error saying so. The result holds the plaintext: the caller writes it to its target
/// and nowhere else.
[[nodiscard]] Result<std::string> decrypt_age_file(CommandRunner& runner,
                                                   const std::filesystem::path& identity,
                                                   const std::filesystem::path& ciphertext,
                                                   const std::string& source);

}  // namespace tether
