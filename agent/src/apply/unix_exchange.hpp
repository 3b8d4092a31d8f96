#pragma once

#include "core/duration.hpp"
#include "core/result.hpp"

#include <string>

namespace tether {

/// One request/response over a Unix stream socket, as HAProxy's runtime API speaks it: connect
/// to `socket_path`, write `request`, read until the peer closes. Everything (connect, write,
/// read) shares one `deadline`; a reply longer than `max_reply` bytes is an error, so a hung or
/// hostile peer costs at most the deadline and the cap. SIGTERM ends the wait early.
[[nodiscard]] Result<std::string> unix_exchange(const std::string& socket_path,
                                                const std::string& request,
                                                Millis deadline,
                                                size_t max_reply);

}  // namespace tether
