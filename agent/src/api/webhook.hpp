#pragma once

#include <string>
#include <string_view>

namespace tether {

/// Checks a GitHub/Gitea-style webhook signature: the `X-Hub-Signature-256` header is
/// "sha256=" + hex HMAC-SHA256 of the raw request body under the shared secret. The compare
/// is constant-time. An empty secret never validates.
[[nodiscard]] bool webhook_signature_valid(std::string_view header,
                                           std::string_view body,
                                           std::string_view secret);

/// The webhook secret from its file: the content without a trailing newline.
/// Empty when the file is empty.
[[nodiscard]] std::string webhook_secret_of(std::string file_content);

}  // namespace tether
