#pragma once

#include "api/metrics.hpp"
#include "api/status_board.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"

#include <memory>
#include <string>

namespace tether {

/// The agent's local HTTP API (cpp-httplib), served from a thread of its own:
///   GET /healthz   "ok" while the agent runs
///   GET /status    the host report plus the agent's view (manifests-schema/status.schema.json)
///   GET /metrics   Prometheus text format
/// Binds to the address given (127.0.0.1 unless an operator says otherwise).
class ApiServer {
 public:
  /// Binds `listen` ("HOST:PORT") and starts serving; fails when the address is taken.
  [[nodiscard]] static Result<std::unique_ptr<ApiServer>> start(const std::string& listen,
                                                                Layout layout,
                                                                const Metrics& metrics,
                                                                const StatusBoard& board);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

 private:
  struct Impl;
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether
