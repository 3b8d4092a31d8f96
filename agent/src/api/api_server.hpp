#pragma once

#include "analysis/bake_board.hpp"
#include "api/metrics.hpp"
#include "api/status_board.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"
#include "preview/previewer.hpp"

#include <functional>
#include <memory>
#include <string>

namespace tether {

/// What the API serves from and acts on.
struct ApiWiring {
  const Metrics& metrics;
  const StatusBoard& board;
  std::string webhook_secret;          ///< empty: POST /sync is disabled (403)
  std::function<void()> request_poll;  ///< wakes the agent loop for an immediate poll
  /// Serves GET /plan?ref=REF (nullptr: 404). One preview at a time; others get 429.
  const preview::Previewer* previewer = nullptr;
  /// spec.analysis bakes in progress, for /status and /metrics (nullptr: none shown).
  const BakeBoard* bakes = nullptr;
};

/// The agent's local HTTP API (cpp-httplib), served from a thread of its own:
///   GET /healthz   "ok" while the agent runs
///   GET /status    the host report plus the agent's view (manifests-schema/status.schema.json)
///   GET /metrics   Prometheus text format
///   POST /sync     webhook: with a valid X-Hub-Signature-256, poll the state repo now
///   GET /plan?ref=REF  what following REF would do on this host now (plan-preview.schema.json)
/// Binds to the address given (127.0.0.1 unless an operator says otherwise).
class ApiServer {
 public:
  /// Binds `listen` ("HOST:PORT") and starts serving; fails when the address is taken.
  [[nodiscard]] static Result<std::unique_ptr<ApiServer>> start(const std::string& listen,
                                                                Layout layout,
                                                                ApiWiring wiring);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

 private:
  struct Impl;
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether
