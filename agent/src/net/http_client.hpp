#pragma once

#include "core/duration.hpp"
#include "core/result.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tether::net {

/// Every HTTP(S) request the agent and the CLI make goes through here, so one set of rules
/// (protocols, timeouts, redirects, size caps, SIGTERM) holds for all of them.
struct HttpRequest {
  std::string url;  ///< http or https only, as is every redirect (file:// is net/file_url.hpp)
  std::string post_body;  ///< non-empty: a POST with this body
  std::vector<std::string> headers;
  std::string user_agent;
  Millis connect_timeout{std::chrono::seconds(15)};
  /// The whole transfer must end within deadline + deadline_per_mib for each MiB the server
  /// announced (Content-Length); nothing announced: within deadline.
  Millis deadline{std::chrono::seconds(30)};
  Millis deadline_per_mib{0};
  /// Abort below this many bytes/s for low_speed_time (0: no low-speed limit).
  std::int64_t low_speed_bytes_per_second = 0;
  Millis low_speed_time{0};
  int max_redirects = 0;  ///< 0: a redirect is not followed (its status is the answer)
  std::uint64_t max_body_bytes = 64 * 1024;
  /// Bodies past max_body_bytes: refused (too_large) or cut silently (kept for probes that
  /// only look for a substring near the start).
  bool truncate_body = false;
  bool use_proxy = true;  ///< false: ignore http_proxy (for talking to this host or agents)
  bool fail_on_http_error = false;  ///< a status >= 400 is an HttpFailure::http_status
  /// When set, body bytes go here instead of into HttpResponse::body; false aborts (sink_failed).
  std::function<bool(std::string_view)> on_body;
  /// Called as bytes arrive: received so far, total announced (0 when unknown).
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

struct HttpResponse {
  long status = 0;
  std::string body;  ///< empty when the request had an on_body sink
  std::uint64_t received = 0;
};

enum class HttpFailure {
  transport,         ///< cannot resolve, connect, TLS, reset ...
  connect_timeout,   ///< no connection within connect_timeout
  deadline,          ///< the transfer did not end within its deadline
  too_slow,          ///< below the low-speed limit for too long
  too_large,         ///< the body passed max_body_bytes
  protocol_refused,  ///< the URL or a redirect used a scheme not allowed
  http_status,       ///< fail_on_http_error and the status was >= 400
  sink_failed,       ///< on_body returned false
  cancelled,         ///< the agent is stopping (SIGTERM); Error::stopping is set
};

struct HttpError {
  HttpFailure failure = HttpFailure::transport;
  Error error;
};

using HttpResult = std::variant<HttpResponse, HttpError>;

/// Performs `request` to its end. Never throws; gives up within the request's limits, and
/// within about a second of SIGTERM when the agent is stopping (core/termination.hpp).
[[nodiscard]] HttpResult http_perform(const HttpRequest& request);

/// The deadline for a transfer of `bytes` (0: unknown) under `deadline` + `per_mib` per MiB.
[[nodiscard]] Millis scaled_deadline(Millis deadline, Millis per_mib, std::uint64_t bytes);

[[nodiscard]] std::string to_string(HttpFailure failure);

}  // namespace tether::net
