#pragma once

#include <string>
#include <string_view>

namespace tether {

/// The parts of a Git remote location tether needs for credentials, host keys and deadlines.
struct GitUrl {
  std::string scheme;  ///< "ssh", "git", "http", "https", "file"; "ssh" for scp-like user@host:path
  std::string user;    ///< from the URL, may be empty
  std::string host;
  int port = 0;  ///< the scheme's default when the URL names none; 0 for local paths
  bool operator==(const GitUrl&) const = default;
};

/// Parses `url` (scheme://[user[:password]@]host[:port]/path, [user@]host:path, or a local
/// path). Never fails: what it cannot read comes back as a local location.
[[nodiscard]] GitUrl parse_git_url(std::string_view url);

/// `url` with any password in it replaced by "***", for messages and logs.
[[nodiscard]] std::string redacted_url(std::string_view url);

}  // namespace tether
