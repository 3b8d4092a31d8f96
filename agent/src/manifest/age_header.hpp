#pragma once

// The header of an age file (https://age-encryption.org/v1), read without decrypting anything:
// enough for `tether validate` and the manifest loader to tell ciphertext from plaintext and to
// count how many recipients a file was encrypted to. Pure; no key material is involved.

#include "core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tether {

enum class AgeArmor { binary, armored };

struct AgeHeader {
  AgeArmor armor = AgeArmor::binary;
  /// The type of each recipient stanza, in order: "X25519", "ssh-ed25519", "scrypt", ...
  /// age X25519 stanzas do not name their recipient, so this is all a header says about them.
  std::vector<std::string> stanza_types;
  bool operator==(const AgeHeader&) const = default;

  /// Stanzas a host identity can open unattended (everything but a passphrase).
  [[nodiscard]] size_t key_stanzas() const;
  [[nodiscard]] bool has_passphrase() const;
};

/// The first line of every binary age v1 file, and the first line of the armored form.
inline constexpr std::string_view k_age_magic = "age-encryption.org/v1";
inline constexpr std::string_view k_age_armor_begin = "-----BEGIN AGE ENCRYPTED FILE-----";

/// The header of `content` (binary or armored), or an Error saying why it is not age v1
/// ciphertext ("it does not begin with age-encryption.org/v1", a malformed stanza, ...).
[[nodiscard]] Result<AgeHeader> read_age_header(std::string_view content);

}  // namespace tether
