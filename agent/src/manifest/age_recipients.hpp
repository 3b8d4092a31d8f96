#pragma once

// `secrets/recipients/<host id>.txt` in the state repo: the age public keys of one host, in the
// recipients-file format the age CLI reads itself (`age -R FILE`), so the file that documents
// who can read a secret is the file used to encrypt it. Pure.

#include "core/result.hpp"

#include <string>
#include <vector>

namespace tether {

/// The repo path of `host`'s recipients file.
[[nodiscard]] std::string recipients_path(const std::string& host);

/// The recipients in `text`: one per line ("age1..." X25519 keys, or OpenSSH "ssh-ed25519" /
/// "ssh-rsa" public keys); blank lines and lines starting with '#' are ignored, as age does.
/// An Error names the first line that is none of these, or a file with no recipient at all.
[[nodiscard]] Result<std::vector<std::string>> parse_age_recipients(const std::string& text);

}  // namespace tether
