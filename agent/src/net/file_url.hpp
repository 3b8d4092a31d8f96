#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tether::net {

/// Whether `url` is a file:// URL.
[[nodiscard]] bool is_file_url(const std::string& url);

/// Streams the regular file a file:// URL names into `sink` (false from it aborts). The file is
/// opened with O_NOFOLLOW|O_NONBLOCK and checked with fstat before a byte is read: a FIFO, a
/// device, a socket or a directory is refused at once, naming the URL, instead of blocking
/// the agent forever; so are a symlink as the last component and files over `max_bytes`.
/// Gives up with a stopping Error when the agent is stopping.
[[nodiscard]] Status read_file_url(const std::string& url,
                                   std::uint64_t max_bytes,
                                   const std::function<bool(std::string_view)>& sink);

}  // namespace tether::net
