#pragma once

#include "core/duration.hpp"

#include <httplib.h>

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace tether {

/// Limits on what one HTTP client can hold of the agent's API.
struct ConnectionLimits {
  /// The whole request (line, headers, body) must arrive within this of the connection being
  /// taken up: a client that sends a header line every second cannot keep a thread.
  Millis request_deadline{std::chrono::seconds(10)};
  /// Each write of the response must make progress within this, the whole response within
  /// four times this.
  Millis write_timeout{std::chrono::seconds(5)};
  size_t per_client = 4;    ///< connections at once from one address; more get 429
  size_t max_threads = 16;  ///< connections served at once; more wait their turn
};

/// cpp-httplib's server with the guards the agent's API needs on every host (httplib 0.11 has
/// none of them: its per-read timeout restarts with every byte, and a fixed pool of workers is
/// held by as many slow clients):
/// - one request per connection, read against a deadline for the whole request;
/// - at most `per_client` connections per client address (429 beyond, answered at once);
/// - threads started per connection up to `max_threads` (none while idle), the rest queued;
/// - abort_connections() ends every connection still reading or writing, so that stopping
///   the agent never waits for a slow client;
/// - every error answer has a body: 408 for a request cut at its deadline, and for the others
///   (400, 404, 413 ...) the text `error_text` gives, plus the method and path.
class GuardedServer final : public httplib::Server {
 public:
  using ErrorText = std::function<std::string(int status)>;

  explicit GuardedServer(ConnectionLimits limits, ErrorText error_text = {});
  /// Shuts down every open client connection (their threads see EOF and finish) and refuses
  /// new ones. Call after stop().
  void abort_connections();

 private:
  enum class Admission { admitted, over_cap, stopping };

  bool process_and_close_socket(socket_t sock) override;
  /// Registers `sock` for `client` unless the client is at its cap or the server stops.
  Admission admit(socket_t sock, const std::string& client);
  void release(socket_t sock, const std::string& client);

  ConnectionLimits m_limits;
  ErrorText m_error_text;
  std::mutex m_mutex;
  std::map<std::string, size_t> m_per_client;
  std::set<socket_t> m_open;
  bool m_aborting = false;
};

}  // namespace tether
