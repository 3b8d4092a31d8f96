#pragma once

#include "core/result.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether {

/// One entry of git's `gpg.ssh.allowedSignersFile` (ssh-keygen(1), ALLOWED SIGNERS):
/// `principals [options] keytype base64-key [comment]`.
struct AllowedSigner {
  int line = 0;                         ///< 1-based line in the file
  std::vector<std::string> principals;  ///< patterns as written ("*@example.com" allowed)
  std::vector<std::string> namespaces;  ///< `namespaces="..."` patterns; empty: any namespace
  /// `valid-after` / `valid-before`. Always read as UTC, with or without a trailing "Z"
  /// (ssh-keygen reads a time without "Z" as local time: write the "Z" to agree with both).
  std::optional<std::chrono::sys_seconds> valid_after;
  std::optional<std::chrono::sys_seconds> valid_before;
  std::string key_type;  ///< "ssh-ed25519", "ecdsa-sha2-nistp256" or "ssh-rsa"
  std::string key_blob;  ///< the decoded public key, SSH wire format

  bool operator==(const AllowedSigner&) const = default;
};

/// A parsed allowed signers file, in file order.
struct AllowedSigners {
  std::string file;  ///< the name used in messages
  std::vector<AllowedSigner> entries;

  bool operator==(const AllowedSigners&) const = default;
};

/// Parses the allowed signers format. `#` comments and blank lines are skipped. Every key is
/// checked (supported type, well-formed, matches its declared type) and so are the options
/// (`namespaces`, `valid-after`, `valid-before`; `cert-authority` and anything else is refused).
/// The first problem is returned as "<file>:<line>: <what is wrong>".
[[nodiscard]] Result<AllowedSigners> parse_allowed_signers(
    std::string_view text, std::string_view file = "allowed_signers");

/// Reads and parses `path`; messages name the path.
[[nodiscard]] Result<AllowedSigners> load_allowed_signers(const std::filesystem::path& path);

/// OpenSSH's pattern-list match: true when `name` matches one of `patterns` (`*` and `?`
/// wildcards, case-sensitive) and none of the negated ones (`!pattern`).
[[nodiscard]] bool matches_pattern_list(std::string_view name,
                                        const std::vector<std::string>& patterns);

/// Ok when `signer` may sign git commits at time `at`: its namespaces allow "git" and `at` lies
/// within valid-after/valid-before (both inclusive). Otherwise an Error naming file and line.
[[nodiscard]] Status check_signer_for_git(const AllowedSigners& signers,
                                          const AllowedSigner& signer,
                                          std::chrono::system_clock::time_point at);

}  // namespace tether
