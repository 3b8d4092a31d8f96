#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tether {

/// One key a known_hosts file lists for a host.
struct KnownHostKey {
  std::string type;      ///< "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
  std::string blob;      ///< the decoded public key blob
  bool revoked = false;  ///< an @revoked line: this key is refused wherever it is offered
  bool operator==(const KnownHostKey&) const = default;
};

/// The name OpenSSH looks a host up by: "host" on port 22 (or an unknown port, -1),
/// "[host]:port" otherwise.
[[nodiscard]] std::string known_hosts_name(std::string_view host, int port);

/// The keys `text` (a known_hosts file) lists for `name` (see known_hosts_name): plain patterns
/// (comma separated, `*` and `?` wildcards, `!` negation) and hashed `|1|salt|hash` entries.
/// Comments, blank and malformed lines and @cert-authority lines are skipped (tether does not
/// accept host certificates), as OpenSSH skips what it cannot read.
[[nodiscard]] std::vector<KnownHostKey> known_keys(std::string_view text, std::string_view name);

enum class HostKeyVerdict { trusted, unknown, changed, revoked };

/// What `known` says about the key `blob` a server offered: trusted (listed), revoked, changed
/// (a different key of the same type is listed: possibly a man in the middle), or unknown.
[[nodiscard]] HostKeyVerdict check_host_key(const std::vector<KnownHostKey>& known,
                                            std::string_view blob);

/// The key type an SSH public key blob names (its first string); empty when malformed.
[[nodiscard]] std::string key_type_of(std::string_view blob);

}  // namespace tether
