#pragma once

// The targets file of `tether fleet`: which agents to ask.

#include "core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tether::fleet {

/// Parses a targets file: one agent base URL a line ("http://10.0.0.5:9410"). Blank lines and
/// everything from a `#` on are ignored; a bare "host:port" gets "http://"; a trailing '/' is
/// dropped. `source` names the file in messages. Errors (with the line number): a scheme other
/// than http(s), no host, whitespace inside a URL, a target listed twice, or no target at all.
[[nodiscard]] Result<std::vector<std::string>> parse_targets(std::string_view text,
                                                             std::string_view source);

/// "host:port" of a base URL, to name a host that did not say its id.
[[nodiscard]] std::string authority_of(std::string_view url);

/// The URL of a target's status document: `<base>/status`.
[[nodiscard]] std::string status_url(std::string_view target);

/// The URL of a target's preview of `ref`: `<base>/plan?ref=<ref, percent-encoded>`.
[[nodiscard]] std::string plan_url(std::string_view target, std::string_view ref);

}  // namespace tether::fleet
