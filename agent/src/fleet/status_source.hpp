#pragma once

// Asking agents for their GET /status: the interface the fleet commands use, and the libcurl
// adapter behind it.

#include "core/duration.hpp"
#include "fleet/host_view.hpp"

#include <string>
#include <vector>

namespace tether::fleet {

class StatusSource {
 public:
  virtual ~StatusSource() = default;
  /// GET <target>/status of every target; one Reply per target, in the same order. Never
  /// takes much longer than `timeout` per batch of concurrent requests; never throws.
  [[nodiscard]] virtual std::vector<Reply> fetch(const std::vector<std::string>& targets,
                                                 Millis timeout) = 0;
};

/// GET urls[i] for every targets[i] through libcurl's multi interface on the calling thread, as
/// CurlStatusSource does; one Reply per target (its `target` set), in the same order.
[[nodiscard]] std::vector<Reply> curl_get_all(const std::vector<std::string>& targets,
                                              const std::vector<std::string>& urls,
                                              int concurrency,
                                              Millis timeout);

/// libcurl's multi interface on the calling thread: up to `concurrency` requests in flight,
/// each with `timeout` for connect and the whole transfer, no proxy, no redirects, bodies over
/// 8 MiB refused. A fleet that answers finishes in about one round trip; hosts that time out
/// cost `timeout` per `concurrency` of them.
class CurlStatusSource final : public StatusSource {
 public:
  explicit CurlStatusSource(int concurrency) : m_concurrency(concurrency < 1 ? 1 : concurrency) {}
  [[nodiscard]] std::vector<Reply> fetch(const std::vector<std::string>& targets,
                                         Millis timeout) override;

 private:
  int m_concurrency;
};

}  // namespace tether::fleet
